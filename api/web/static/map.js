// Route map: bundled Natural Earth 1:110m country outlines (data/world-110m.json, served by the
// app) on an equirectangular projection fitted to the route; origin, hubs, destination and the
// current position on top. Pure SVG, no tiles. The drawing is as wide as its box in CSS pixels,
// so text stays 12 px on a phone; place labels are laid out so none overlaps another label, a
// marker or the attribution (long names wrap; a label pushed away from its place gets a leader).
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

const LABEL_FONT = 12, LABEL_LINE = 14, LABEL_CHARS = 20, LABEL_LINES = 2;

function mapSize(container) {
  const w = Math.round(Math.max(280, Math.min(960, container.clientWidth || 800)));
  return { w, h: Math.round(w * (w < 560 ? 0.85 : 0.56)) };
}

// The projection: lon/lat box around the points, padded, with the aspect of the drawing.
function fitProjection(points, W, H) {
  const minLon = Math.min(...points.map((p) => p.lon)), maxLon = Math.max(...points.map((p) => p.lon));
  const minLat = Math.min(...points.map((p) => p.lat)), maxLat = Math.max(...points.map((p) => p.lat));
  const midLat = (minLat + maxLat) / 2;
  const k = Math.max(0.2, Math.cos((midLat * Math.PI) / 180)); // x stretch of the standard parallel
  let spanX = Math.max((maxLon - minLon) * k, 4), spanY = Math.max(maxLat - minLat, 2);
  spanX *= 1.45; spanY *= 1.6; // room for labels around the outermost places
  if (spanX / spanY > W / H) spanY = (spanX * H) / W;
  else spanX = (spanY * W) / H;
  const cx = ((minLon + maxLon) / 2) * k, cy = (minLat + maxLat) / 2;
  const scale = W / spanX;
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

// Split a label into at most LABEL_LINES lines of about LABEL_CHARS characters, at spaces.
function wrapLabel(text) {
  const words = String(text).split(/\s+/);
  const lines = [];
  let line = "";
  for (const word of words) {
    if (line && (line + " " + word).length > LABEL_CHARS) { lines.push(line); line = word; }
    else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length > LABEL_LINES) {
    lines.length = LABEL_LINES;
    lines[LABEL_LINES - 1] = lines[LABEL_LINES - 1].replace(/[ ,;]*$/, "") + "…";
  }
  return lines.map((l) => (l.length > LABEL_CHARS + 6 ? l.slice(0, LABEL_CHARS + 5) + "…" : l));
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Candidate spots around a point: direction (dx, dy) and distance; nearer spots first.
const DIRECTIONS = [[1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [-1, -1], [1, 1], [-1, 1]];
const DISTANCES = [9, 18, 30, 46, 66];

function labelBox(px, py, w, h, dir, dist) {
  const [dx, dy] = dir;
  const x = dx > 0 ? px + dist : dx < 0 ? px - dist - w : px - w / 2;
  const y = dy > 0 ? py + dist : dy < 0 ? py - dist - h : py - h / 2;
  return { x, y, w, h };
}

// Place each label where it overlaps nothing placed so far and stays inside the drawing.
function layoutLabels(items, obstacles, W, H) {
  const placed = [];
  for (const item of items) {
    let best = null, bestCost = Infinity;
    for (const dist of DISTANCES) {
      for (const dir of DIRECTIONS) {
        const box = labelBox(item.x, item.y, item.w, item.h, dir, dist);
        const outside = box.x < 2 || box.y < 2 || box.x + box.w > W - 2 || box.y + box.h > H - 2;
        const hits = obstacles.concat(placed).filter((o) => o !== item.self && overlaps(box, o)).length;
        const cost = (outside ? 1000 : 0) + hits * 100 + dist;
        if (cost < bestCost) { best = box; bestCost = cost; }
      }
      if (bestCost < 100) break;  // a free spot at this distance: no need to go further out
    }
    item.box = best;
    placed.push(best);
  }
}

// Draw the route of `places` ([{id?, name, role, lat, lon}] in route order) and `current`.
async function drawRouteMap(container, places, current) {
  clear(container);
  if (!places.length) {
    container.append(h("p", { class: "muted" }, "No places to draw."));
    return;
  }
  const world = await loadWorld();
  const { w: W, h: H } = mapSize(container);
  const points = places.concat(current ? [current] : []);
  const proj = fitProjection(points, W, H);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "map", role: "img", "aria-label": "route map", "data-testid": "route-map" });
  container.append(svg);  // in the document, so that text can be measured
  const land = s("g", { fill: "#f4f1ea", stroke: "#a9a294", "stroke-width": "0.6" });
  for (const country of world.countries) {
    const d = country.rings.filter((r) => ringVisible(r, proj)).map((r) => ringPath(r, proj)).join("");
    if (d) land.append(s("path", { d }, s("title", {}, country.name)));
  }
  svg.append(land);
  const line = places.map((p) => `${proj.x(p.lon).toFixed(1)},${proj.y(p.lat).toFixed(1)}`).join(" ");
  svg.append(s("polyline", { points: line, fill: "none", stroke: "#14202c", "stroke-width": "2", "stroke-dasharray": "6 4" }));

  const credit = s("text", { x: W - 6, y: H - 6, "text-anchor": "end", "font-size": "10", fill: "#5b6876", class: "credit" },
    W < 560 ? "Natural Earth (public domain)" : "Outlines: Natural Earth 1:110m (public domain) via world-atlas");
  svg.append(credit);
  const cb = credit.getBBox();
  const obstacles = [{ x: cb.x - 2, y: cb.y - 2, w: cb.width + 4, h: cb.height + 4 }];
  const markers = s("g", {});
  const labels = s("g", { class: "labels" });
  svg.append(markers, labels);  // attached before measuring: a detached text has no size
  const items = [];
  places.forEach((p) => {
    const style = ROLE_STYLE[p.role] || ROLE_STYLE.hub;
    const x = proj.x(p.lon), y = proj.y(p.lat);
    markers.append(s("g", { class: `place place-${p.role}` },
      s("circle", { cx: x, cy: y, r: style.r, fill: style.fill, stroke: "#fff", "stroke-width": "2" }),
      s("title", {}, `${p.role}: ${p.name}`)));
    obstacles.push({ x: x - style.r - 2, y: y - style.r - 2, w: 2 * style.r + 4, h: 2 * style.r + 4 });
    const text = `${p.role === "hub" ? "via " : ""}${p.id || p.name}`;
    const lines = wrapLabel(text);
    const node = s("text", { "font-size": LABEL_FONT, fill: "#14202c", "paint-order": "stroke", stroke: "#fff", "stroke-width": "3" },
      lines.map((l, i) => s("tspan", { x: 0, dy: i ? LABEL_LINE : 0 }, l)));
    const group = s("g", { class: `map-label label-${p.role}`, "data-testid": "map-label" }, node, s("title", {}, `${p.role}: ${p.name}`));
    labels.append(group);
    const bb = node.getBBox();
    items.push({ x, y, w: Math.ceil(bb.width) + 2, h: lines.length * LABEL_LINE + 2, node, group, lines, role: p.role });
  });
  if (current) {
    const x = proj.x(current.lon), y = proj.y(current.lat);
    markers.append(s("g", { class: "current", "data-testid": "current-position" },
      s("circle", { cx: x, cy: y, r: 11, fill: "none", stroke: "#f0883e", "stroke-width": "3" }),
      s("circle", { cx: x, cy: y, r: 4, fill: "#f0883e" }),
      s("title", {}, `now: ${current.name}`)));
    obstacles.push({ x: x - 13, y: y - 13, w: 26, h: 26 });
  }
  // origin and destination first: they get the nearest free spots
  const order = { origin: 0, destination: 1, hub: 2 };
  items.sort((a, b) => (order[a.role] ?? 3) - (order[b.role] ?? 3));
  layoutLabels(items, obstacles, W, H);
  for (const item of items) {
    const { box } = item;
    const top = box.y + LABEL_FONT - 1;
    item.node.setAttribute("y", top);
    item.group.setAttribute("data-box", `${box.x.toFixed(1)},${box.y.toFixed(1)},${box.w},${box.h}`);
    for (const tspan of item.node.querySelectorAll("tspan")) tspan.setAttribute("x", box.x + 1);
    const nx = Math.max(box.x, Math.min(item.x, box.x + box.w)), ny = Math.max(box.y, Math.min(item.y, box.y + box.h));
    if (Math.hypot(nx - item.x, ny - item.y) > 14) {  // far from its place: a leader line to it
      item.group.prepend(s("line", { x1: item.x, y1: item.y, x2: nx, y2: ny, stroke: "#5b6876", "stroke-width": "1", class: "leader" }));
    }
  }
}
