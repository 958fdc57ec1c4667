// Plan board charts in SVG: per-service load bars (kg and m3 against capacity) and a Gantt chart
// of the truck routes (one row per vehicle; travel, stops and their times).
"use strict";

const CHART_W = 1100;
const MODE_COLORS = { air: "#8250df", rail: "#bc4c00", road: "#1f6feb" };

function pct(value) { return `${Math.round(value * 100)}%`; }

function loadColor(fraction) {
  if (fraction > 1.0001) return "#cf222e";
  if (fraction >= 0.9) return "#bf8700";
  return "#2da44e";
}

// services: plan document services; capacities: {id: ServiceOut} from /v1/services. Each row: the
// service and its departure (local time at the origin, with offset), then per measure a bar track
// and, right of the track (never across its edge), the numbers.
function drawLoadBars(container, services, capacities) {
  clear(container);
  if (!services.length) {
    container.append(h("p", { class: "muted" }, "No scheduled service is used by this plan."));
    return;
  }
  const rows = services.map((sv) => ({ sv, cap: capacities[sv.id] }))
    .sort((a, b) => ((a.cap && a.cap.departure) || "").localeCompare((b.cap && b.cap.departure) || ""));
  const rowH = 36, labelW = 260, half = (CHART_W - labelW) / 2, trackW = half - 170;
  const height = rows.length * rowH + 26;
  const svg = s("svg", { viewBox: `0 0 ${CHART_W} ${height}`, class: "loads", "data-testid": "load-bars" });
  svg.append(s("text", { x: labelW, y: 14, "font-size": "12", fill: "#5b6876" }, "weight (kg / capacity)"),
    s("text", { x: labelW + half, y: 14, "font-size": "12", fill: "#5b6876" }, "volume (m³ / capacity)"));
  rows.forEach(({ sv, cap }, i) => {
    const y = 24 + i * rowH;
    const g = s("g", { class: "load-row", "data-service": sv.id });
    g.append(s("text", { class: "service-label", x: 0, y: y + 13, "font-size": "11", "font-weight": "600", fill: cap ? MODE_COLORS[cap.mode] : null },
      cap ? `${sv.id} · ${cap.origin}→${cap.destination}` : sv.id));
    if (cap) g.append(s("text", { class: "service-time", x: 0, y: y + 27, "font-size": "10", fill: "#5b6876" }, `departs ${fmtTime(cap.departure)}`));
    const bars = [
      [sv.load_kg, cap ? cap.capacity_kg : null, "kg", labelW],
      [sv.load_m3, cap ? cap.capacity_m3 : null, "m³", labelW + half],
    ];
    for (const [load, capacity, unit, x] of bars) {
      const fraction = capacity ? load / capacity : 0;
      g.append(s("rect", { class: "track", x, y: y + 6, width: trackW, height: 16, fill: "#eaeef2", rx: 3 }),
        s("rect", { class: "fill", x, y: y + 6, width: Math.max(1, Math.min(1, fraction) * trackW), height: 16, fill: loadColor(fraction), rx: 3 },
          s("title", {}, `${fmtNumber(load)} ${unit} of ${fmtNumber(capacity)} ${unit}`)),
        s("text", { class: "bar-label", x: x + trackW + 8, y: y + 18, "font-size": "11", fill: "#14202c" },
          `${fmtNumber(load, 0)} / ${fmtNumber(capacity, 0)} ${unit}${capacity ? " · " + pct(fraction) : ""}`));
    }
    svg.append(g);
  });
  container.append(svg);
}

// "+08:00" -> 480; "Z" -> 0 (minutes east of UTC of an ISO time as sent).
function offsetMinutes(iso) {
  const m = /(Z|([+-])(\d{2}):(\d{2}))$/.exec(iso || "");
  if (!m || m[1] === "Z") return 0;
  return (m[2] === "-" ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
}

function offsetText(minutes) {
  if (!minutes) return "UTC";
  const sign = minutes < 0 ? "-" : "+", m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

// An instant as "HH:MM" (or "MM-DD" at midnight) in a fixed offset.
function clockAt(t, offset) {
  const d = new Date(t + offset * 60000).toISOString();
  return d.slice(11, 16) === "00:00" ? d.slice(5, 10) : d.slice(11, 16);
}

function axisTicks(t0, t1, offset) {
  const hour = 3600e3, span = t1 - t0, shift = offset * 60000;
  const step = span > 4 * 86400e3 ? 24 * hour : span > 36 * hour ? 6 * hour : span > 12 * hour ? 3 * hour : hour;
  const ticks = [];
  for (let t = Math.ceil((t0 + shift) / step) * step - shift; t <= t1; t += step) ticks.push(t);
  return ticks;
}

function vehicleStart(v) {
  const first = v.stops.find((st) => st.depart || st.arrive);
  return first ? Date.parse(first.depart || first.arrive) : 0;
}

// A route's first time as sent: in the local time of its depot, with the depot's offset.
function vehicleFirstTime(v) {
  const first = v.stops.find((st) => st.depart || st.arrive);
  return first ? first.depart || first.arrive : "";
}

// vehicles: plan document vehicles with stops (location, arrive, depart, pickup, dropoff); one
// chart per local day at the depots (and per zone, so one chart has one local time), chosen
// with buttons.
function drawGantt(container, vehicles) {
  clear(container);
  if (!vehicles.length) {
    container.append(h("p", { class: "muted" }, "No truck carries anything in this plan."));
    return;
  }
  const days = new Map();
  for (const v of [...vehicles].sort((a, b) => vehicleStart(a) - vehicleStart(b))) {
    const first = vehicleFirstTime(v);
    const key = `${first.slice(0, 10)} ${offsetText(offsetMinutes(first))}`;
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(v);
  }
  const keys = [...days.keys()].sort();
  const chart = h("div", { class: "scroll", style: "max-height: 520px" });
  const buttons = h("div", { class: "row day-tabs", style: "margin-bottom: 8px" });
  const show = (key) => {
    for (const b of buttons.children) b.classList.toggle("secondary", b.dataset.day !== key);
    drawGanttDay(clear(chart), days.get(key));
  };
  for (const key of keys) {
    buttons.append(h("button", { type: "button", "data-day": key, title: "local day at the trucks' depots", onclick: () => show(key) }, `${key} (${days.get(key).length})`));
  }
  container.append(days.size > 1 ? buttons : "", chart);
  const busiest = keys.reduce((best, key) => (days.get(key).length > days.get(best).length ? key : best));
  show(busiest);
}

// Label widths are estimated generously (system fonts differ) so that labels never overlap.
function textWidth(text, size) { return text.length * size * 0.62; }

function drawGanttDay(container, vehicles) {
  const stamps = vehicles.flatMap((v) => v.stops.flatMap((st) => [st.arrive, st.depart]).filter(Boolean));
  const times = stamps.map(Date.parse);
  const offsets = new Set(stamps.map(offsetMinutes));
  const offset = offsets.size === 1 ? [...offsets][0] : 0; // one local zone, else UTC throughout
  const t0 = Math.min(...times), t1 = Math.max(...times) || t0 + 3600e3;
  const labelW = 150, rowH = 46, top = 44, plotW = CHART_W - labelW - 40;
  const x = (t) => labelW + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
  const height = top + vehicles.length * rowH + 8;
  const svg = s("svg", { viewBox: `0 0 ${CHART_W} ${height}`, class: "gantt", "data-testid": "gantt" });
  const caption = offsets.size === 1 ? `times: local time at the depots (${offsetText(offset)})` : "times: UTC";
  svg.append(s("text", { class: "axis-caption", x: 0, y: 12, "font-size": "11", fill: "#5b6876" }, caption));
  let tickEnd = -Infinity;
  for (const t of axisTicks(t0, t1, offset)) {
    const label = clockAt(t, offset), w = textWidth(label, 11);
    svg.append(s("line", { x1: x(t), x2: x(t), y1: top - 8, y2: height, stroke: "#eaeef2" }));
    if (x(t) - w / 2 > tickEnd + 4) {
      svg.append(s("text", { class: "tick", x: x(t), y: 30, "font-size": "11", "text-anchor": "middle", fill: "#5b6876" }, label));
      tickEnd = x(t) + w / 2;
    }
  }
  vehicles.forEach((v, i) => {
    const y = top + i * rowH;
    const g = s("g", { class: "vehicle-row", "data-vehicle": v.id });
    g.append(s("text", { x: 0, y: y + 20, "font-size": "12", "font-weight": "600" }, v.id),
      s("text", { x: 0, y: y + 34, "font-size": "11", fill: "#5b6876" }, `${fmtNumber(v.distance_km)} km · ${fmtNumber(v.cost, 0)} CNY`));
    let placeEnd = -Infinity, timeEnd = -Infinity;
    v.stops.forEach((st, k) => {
      const next = v.stops[k + 1];
      if (st.depart && next && next.arrive) {
        g.append(s("rect", { x: x(Date.parse(st.depart)), y: y + 12, width: Math.max(1, x(Date.parse(next.arrive)) - x(Date.parse(st.depart))), height: 10, fill: "#9cc3ff", rx: 2 },
          s("title", {}, `${v.id}: ${st.location} → ${next.location}, ${fmtTime(st.depart)} → ${fmtTime(next.arrive)}`)));
      }
      const at = st.arrive || st.depart;
      const tStart = Date.parse(at), tEnd = Date.parse(st.depart || st.arrive);
      const sx = x(tStart);
      const work = [st.pickup.length ? `pick up ${st.pickup.join(", ")}` : "", st.dropoff.length ? `drop ${st.dropoff.join(", ")}` : ""].filter(Boolean).join("; ");
      g.append(s("rect", { class: "stop", x: sx - 1, y: y + 8, width: Math.max(3, x(tEnd) - sx + 2), height: 18, fill: st.pickup.length || st.dropoff.length ? "#1f6feb" : "#5b6876", rx: 2 },
        s("title", {}, `${st.location}: arrive ${fmtTime(st.arrive)}, depart ${fmtTime(st.depart)}${work ? " — " + work : ""}`)));
      const when = clockAt(tStart, offset);
      const width = Math.max(textWidth(st.location, 10), textWidth(when, 10));
      const lx = Math.min(sx, CHART_W - width); // the last stop's label stays inside the chart
      if (lx > placeEnd + 6 && lx > timeEnd + 6) {
        g.append(s("text", { class: "stop-label", x: lx, y: y + 6, "font-size": "10", fill: "#14202c" }, st.location),
          s("text", { class: "stop-label", x: lx, y: y + 38, "font-size": "10", fill: "#5b6876" }, when));
        placeEnd = lx + textWidth(st.location, 10);
        timeEnd = lx + textWidth(when, 10);
      }
    });
    svg.append(g);
  });
  container.append(svg);
}
