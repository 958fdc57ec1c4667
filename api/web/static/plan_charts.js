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

// services: plan document services; capacities: {id: ServiceOut} from /v1/services.
function drawLoadBars(container, services, capacities) {
  clear(container);
  if (!services.length) {
    container.append(h("p", { class: "muted" }, "No scheduled service is used by this plan."));
    return;
  }
  const rows = services.map((sv) => ({ sv, cap: capacities[sv.id] }))
    .sort((a, b) => ((a.cap && a.cap.departure) || "").localeCompare((b.cap && b.cap.departure) || ""));
  const rowH = 30, labelW = 300, barW = (CHART_W - labelW - 40) / 2;
  const height = rows.length * rowH + 26;
  const svg = s("svg", { viewBox: `0 0 ${CHART_W} ${height}`, class: "loads", "data-testid": "load-bars" });
  svg.append(s("text", { x: labelW, y: 14, "font-size": "12", fill: "#5b6876" }, "weight (kg / capacity)"),
    s("text", { x: labelW + barW + 20, y: 14, "font-size": "12", fill: "#5b6876" }, "volume (m³ / capacity)"));
  rows.forEach(({ sv, cap }, i) => {
    const y = 24 + i * rowH;
    const label = cap ? `${sv.id} · ${cap.origin}→${cap.destination} · ${shortTime(cap.departure)}` : sv.id;
    const g = s("g", { class: "load-row", "data-service": sv.id });
    g.append(s("text", { x: 0, y: y + 15, "font-size": "11", fill: cap ? MODE_COLORS[cap.mode] : null }, label));
    const bars = [
      [sv.load_kg, cap ? cap.capacity_kg : null, "kg", labelW],
      [sv.load_m3, cap ? cap.capacity_m3 : null, "m³", labelW + barW + 20],
    ];
    for (const [load, capacity, unit, x] of bars) {
      const fraction = capacity ? load / capacity : 0;
      g.append(s("rect", { x, y: y + 3, width: barW, height: 16, fill: "#eaeef2", rx: 3 }),
        s("rect", { x, y: y + 3, width: Math.max(1, Math.min(1, fraction) * barW), height: 16, fill: loadColor(fraction), rx: 3 },
          s("title", {}, `${fmtNumber(load)} ${unit} of ${fmtNumber(capacity)} ${unit}`)),
        s("text", { x: x + 6, y: y + 15, "font-size": "11", fill: "#14202c" },
          `${fmtNumber(load)} / ${fmtNumber(capacity)} ${unit}${capacity ? " · " + pct(fraction) : ""}`));
    }
    svg.append(g);
  });
  container.append(svg);
}

// "2026-11-30T18:00:00+08:00" -> "11-30 18:00" (the time as sent, in its own offset)
function shortTime(iso) {
  const m = /^\d{4}-(\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso || "");
  return m ? `${m[1]} ${m[2]}` : "";
}

function hhmm(iso) {
  const m = /T(\d{2}:\d{2})/.exec(iso || "");
  return m ? m[1] : "";
}

function axisTicks(t0, t1) {
  const hour = 3600e3, span = t1 - t0;
  const step = span > 4 * 86400e3 ? 24 * hour : span > 36 * hour ? 6 * hour : span > 12 * hour ? 3 * hour : hour;
  const ticks = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

function utcLabel(t) {
  const d = new Date(t).toISOString();
  return d.slice(11, 16) === "00:00" ? d.slice(5, 10) : d.slice(11, 16);
}

function vehicleStart(v) {
  const first = v.stops.find((st) => st.depart || st.arrive);
  return first ? Date.parse(first.depart || first.arrive) : 0;
}

// vehicles: plan document vehicles with stops (location, arrive, depart, pickup, dropoff); one
// chart per UTC day of the routes' start, chosen with buttons, so a week of shifts stays readable.
function drawGantt(container, vehicles) {
  clear(container);
  if (!vehicles.length) {
    container.append(h("p", { class: "muted" }, "No truck carries anything in this plan."));
    return;
  }
  const days = new Map();
  for (const v of [...vehicles].sort((a, b) => vehicleStart(a) - vehicleStart(b))) {
    const day = new Date(vehicleStart(v)).toISOString().slice(0, 10);
    if (!days.has(day)) days.set(day, []);
    days.get(day).push(v);
  }
  const chart = h("div", { class: "scroll", style: "max-height: 520px" });
  const buttons = h("div", { class: "row", style: "margin-bottom: 8px" });
  const show = (day) => {
    for (const b of buttons.children) b.classList.toggle("secondary", b.dataset.day !== day);
    drawGanttDay(clear(chart), days.get(day));
  };
  for (const [day, list] of days) {
    buttons.append(h("button", { type: "button", "data-day": day, onclick: () => show(day) }, `${day} (${list.length})`));
  }
  container.append(days.size > 1 ? buttons : "", chart);
  const busiest = [...days.entries()].reduce((best, entry) => (entry[1].length > best[1].length ? entry : best));
  show(busiest[0]);
}

function drawGanttDay(container, vehicles) {
  const times = vehicles.flatMap((v) => v.stops.flatMap((st) => [st.arrive, st.depart]).filter(Boolean).map(Date.parse));
  const t0 = Math.min(...times), t1 = Math.max(...times) || t0 + 3600e3;
  const labelW = 150, rowH = 46, top = 28, plotW = CHART_W - labelW - 40;
  const x = (t) => labelW + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
  const height = top + vehicles.length * rowH + 8;
  const svg = s("svg", { viewBox: `0 0 ${CHART_W} ${height}`, class: "gantt", "data-testid": "gantt" });
  for (const t of axisTicks(t0, t1)) {
    svg.append(s("line", { x1: x(t), x2: x(t), y1: top - 6, y2: height, stroke: "#eaeef2" }),
      s("text", { x: x(t), y: 14, "font-size": "11", "text-anchor": "middle", fill: "#5b6876" }, utcLabel(t)));
  }
  svg.append(s("text", { x: 0, y: 14, "font-size": "11", fill: "#5b6876" }, "time axis: UTC"));
  vehicles.forEach((v, i) => {
    const y = top + i * rowH;
    const g = s("g", { class: "vehicle-row", "data-vehicle": v.id });
    g.append(s("text", { x: 0, y: y + 20, "font-size": "12", "font-weight": "600" }, v.id),
      s("text", { x: 0, y: y + 34, "font-size": "11", fill: "#5b6876" }, `${fmtNumber(v.distance_km)} km · ${fmtNumber(v.cost, 0)} CNY`));
    let lastLabel = -Infinity;
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
      if (sx - lastLabel > 44) {
        g.append(s("text", { x: sx, y: y + 6, "font-size": "10", fill: "#14202c" }, st.location),
          s("text", { x: sx, y: y + 38, "font-size": "10", fill: "#5b6876" }, hhmm(at)));
        lastLabel = sx;
      }
    });
    svg.append(g);
  });
  container.append(svg);
}
