// Route map: bundled Natural Earth 1:110m country outlines (data/world-110m.json, served by the
// app) on an equirectangular projection fitted to the route; origin, hubs, destination and the
// current position on top. Pure SVG, no tiles.
"use strict";

let worldPromise = null;
function loadWorld() {
  if (!worldPromise) {
    worldPromise = fetch("/static/data/world-110m.json").then((r) => {
      if (!r.ok) throw new Error(`map outlines: HTTP ${r.status}`);
      return r.json();
    });
  }
  return worldPromise;
}

const MAP_W = 800, MAP_H = 420;

// The projection: lon/lat box around the points, padded, with the aspect of the drawing.
function fitProjection(points) {
  let minLon = Math.min(...points.map((p) => p.lon)), maxLon = Math.max(...points.map((p) => p.lon));
  let minLat = Math.min(...points.map((p) => p.lat)), maxLat = Math.max(...points.map((p) => p.lat));
  const midLat = (minLat + maxLat) / 2;
  const k = Math.max(0.2, Math.cos((midLat * Math.PI) / 180)); // x stretch of the standard parallel
  let spanX = Math.max((maxLon - minLon) * k, 4), spanY = Math.max(maxLat - minLat, 2);
  spanX *= 1.3; spanY *= 1.4;
  if (spanX / spanY > MAP_W / MAP_H) spanY = (spanX * MAP_H) / MAP_W;
  else spanX = (spanY * MAP_W) / MAP_H;
  const cx = ((minLon + maxLon) / 2) * k, cy = (minLat + maxLat) / 2;
  const scale = MAP_W / spanX;
  return {
    x: (lon) => (lon * k - (cx - spanX / 2)) * scale,
    y: (lat) => (cy + spanY / 2 - lat) * scale,
    lonRange: [(cx - spanX / 2) / k, (cx + spanX / 2) / k],
    latRange: [cy - spanY / 2, cy + spanY / 2],
  };
}

function ringPath(ring, proj) {
  let d = "";
  for (let i = 0; i < ring.length; i += 2) {
    d += (i ? "L" : "M") + proj.x(ring[i]).toFixed(1) + "," + proj.y(ring[i + 1]).toFixed(1);
  }
  return d + "Z";
}

function ringVisible(ring, proj) {
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    minLon = Math.min(minLon, ring[i]); maxLon = Math.max(maxLon, ring[i]);
    minLat = Math.min(minLat, ring[i + 1]); maxLat = Math.max(maxLat, ring[i + 1]);
  }
  return maxLon >= proj.lonRange[0] && minLon <= proj.lonRange[1] &&
    maxLat >= proj.latRange[0] && minLat <= proj.latRange[1];
}

const ROLE_STYLE = {
  origin: { fill: "#1a7f37", r: 6 },
  hub: { fill: "#8250df", r: 5 },
  destination: { fill: "#cf222e", r: 6 },
};

// Draw the route of `places` ([{name, role, lat, lon}] in route order) and `current` into `container`.
async function drawRouteMap(container, places, current) {
  clear(container);
  if (!places.length) {
    container.append(h("p", { class: "muted" }, "No places to draw."));
    return;
  }
  const world = await loadWorld();
  const points = places.concat(current ? [current] : []);
  const proj = fitProjection(points);
  const svg = s("svg", { viewBox: `0 0 ${MAP_W} ${MAP_H}`, class: "map", role: "img", "aria-label": "route map", "data-testid": "route-map" });
  const land = s("g", { fill: "#f4f1ea", stroke: "#a9a294", "stroke-width": "0.6" });
  for (const country of world.countries) {
    const d = country.rings.filter((r) => ringVisible(r, proj)).map((r) => ringPath(r, proj)).join("");
    if (d) land.append(s("path", { d }, s("title", {}, country.name)));
  }
  svg.append(land);
  const line = places.map((p) => `${proj.x(p.lon).toFixed(1)},${proj.y(p.lat).toFixed(1)}`).join(" ");
  svg.append(s("polyline", { points: line, fill: "none", stroke: "#14202c", "stroke-width": "2", "stroke-dasharray": "6 4" }));
  places.forEach((p, i) => {
    const style = ROLE_STYLE[p.role] || ROLE_STYLE.hub;
    const x = proj.x(p.lon), y = proj.y(p.lat);
    const below = i % 2 === 1;
    svg.append(s("g", { class: `place place-${p.role}` },
      s("circle", { cx: x, cy: y, r: style.r, fill: style.fill, stroke: "#fff", "stroke-width": "2" }),
      s("text", { x: x > MAP_W * 0.6 ? x - 9 : x + 9, y: below ? y + 16 : y - 8, "text-anchor": x > MAP_W * 0.6 ? "end" : "start", "font-size": "12", fill: "#14202c", "paint-order": "stroke", stroke: "#fff", "stroke-width": "3" },
        `${p.role === "hub" ? "via " : ""}${p.id || p.name}`),
      s("title", {}, `${p.role}: ${p.name}`)));
  });
  if (current) {
    const x = proj.x(current.lon), y = proj.y(current.lat);
    svg.append(s("g", { class: "current", "data-testid": "current-position" },
      s("circle", { cx: x, cy: y, r: 11, fill: "none", stroke: "#f0883e", "stroke-width": "3" }),
      s("circle", { cx: x, cy: y, r: 4, fill: "#f0883e" }),
      s("title", {}, `now: ${current.name}`)));
  }
  svg.append(s("text", { x: MAP_W - 6, y: MAP_H - 6, "text-anchor": "end", "font-size": "10", fill: "#5b6876" },
    "Outlines: Natural Earth 1:110m (public domain) via world-atlas"));
  container.append(svg);
}
