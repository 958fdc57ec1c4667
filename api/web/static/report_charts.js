// Report charts drawn in the browser as SVG from the report's JSON: lines over time (one tick per
// period, thinned only so labels never collide) and horizontal bars per mode, lane, hub or reason
// (labels in their own column, so they cannot overlap). The y axis starts at 0 with "nice" ticks;
// rates run 0-100 %. Every point and bar shows its value on hover. With the previous period of the
// same length loaded, each bar carries its change beside its value ("▲ +3.2 pts") and each line
// chart a caption with every series' headline figure and its change.
"use strict";

const SERIES_COLORS = ["#1f6feb", "#bc4c00", "#8250df", "#1a7f37", "#cf222e", "#9a6700", "#0a7d8c", "#6e7781"];
const MODE_COLORS = { air: "#8250df", rail: "#bc4c00", road: "#1f6feb" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Which charts each report has: a line over `x` (one series per `by`), or bars of `y` per `by`.
const REPORT_CHARTS = {
  throughput: [
    { kind: "line", table: "throughput", x: "period", y: "chargeable_kg", by: "mode", title: "Chargeable kg per period", unit: "kg" },
    { kind: "bars", table: "throughput", by: "mode", y: "chargeable_kg", agg: "sum", title: "Mode split: chargeable kg", unit: "kg" },
  ],
  "on-time": [
    { kind: "line", table: "by_period", x: "period", y: "on_time_rate", ratio: ["on_time", "delivered"], title: "On-time rate per period", rate: true },
    { kind: "bars", table: "by_mode", by: "mode", y: "on_time_rate", agg: "first", title: "On-time rate by mode", rate: true },
  ],
  "hub-dwell": [
    { kind: "bars", table: "hub_dwell", by: "hub", y: "p95_h", agg: "first", where: ["direction", "all"], lower: true, title: "Dwell p95 per hub (hours, all directions)", unit: "h" },
  ],
  utilization: [
    { kind: "bars", table: "lanes", by: "lane", y: "load_factor_kg", agg: "first", title: "Load factor (kg) per lane", rate: true },
    { kind: "bars", table: "truck_shifts", by: "depot", y: "peak_load_factor_kg", agg: "mean", title: "Mean truck peak load factor per depot", rate: true },
  ],
  emissions: [
    { kind: "bars", table: "emissions", by: "mode", y: "co2e_kg", agg: "sum", scale: 0.001, lower: true, title: "CO2e by mode (t)", unit: "t" },
    { kind: "bars", table: "emissions", by: "lane", y: "co2e_kg", agg: "sum", scale: 0.001, top: 12, lower: true, title: "CO2e by lane, largest 12 (t)", unit: "t" },
  ],
  exceptions: [
    { kind: "bars", table: "exceptions", by: "reason", y: "exceptions", agg: "sum", lower: true, title: "Exceptions by reason", unit: "" },
  ],
};

// Ticks from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of ten, about 5 of them.
function niceTicks(max, count) {
  if (!(max > 0)) return [0, 1];
  const raw = max / (count || 5);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v < max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function chartValue(v, spec) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (spec.rate) return `${(v * 100).toFixed(1)} %`;
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${fmtNumber(v, digits)}${spec.unit ? " " + spec.unit : ""}`;
}

function axisValue(v, spec) {
  if (spec.rate) return `${Math.round(v * 100)} %`;
  if (v >= 1e6) return `${fmtNumber(v / 1e6, 1)} M`;
  if (v >= 1e4) return `${fmtNumber(v / 1e3, 0)} k`;
  return fmtNumber(v, 2);
}

// The change from `before` to `now` as shown on a chart: "▲ +3.2 pts" for rates, "▼ −1,204 kg
// (−8.1 %)" for amounts, "new" without a previous value; null without a current one.
function chartDelta(now, before, spec) {
  if (now === null || now === undefined) return null;
  if (before === null || before === undefined) return { text: "new", sign: 0 };
  const d = now - before;
  const arrow = d > 0 ? "▲" : d < 0 ? "▼" : "=";
  const sign = d < 0 ? "−" : "+";
  if (spec.rate) return { text: `${arrow} ${sign}${Math.abs(d * 100).toFixed(1)} pts`, sign: Math.sign(d) };
  const relative = before ? ` (${sign}${Math.abs((d / before) * 100).toFixed(1)} %)` : "";
  return { text: `${arrow} ${sign}${chartValue(Math.abs(d), spec)}${relative}`, sign: Math.sign(d) };
}

// Green for a change for the better, red for worse (`lower: true`: less is better, e.g. CO2e).
function deltaClass(delta, spec) {
  const good = spec.lower ? -delta.sign : delta.sign;
  return `chart-delta${good > 0 ? " up" : good < 0 ? " down" : ""}`;
}

// A series' figure for the whole period: the ratio of two summed columns (a rate such as on_time
// / delivered), the mean of a rate, or the sum of an amount.
function headline(rows, spec, name) {
  const mine = spec.by ? rows.filter((r) => r[spec.by] === name) : rows;
  const sum = (col) => mine.reduce((a, r) => a + (r[col] || 0), 0);
  if (spec.ratio) {
    const den = sum(spec.ratio[1]);
    return den ? sum(spec.ratio[0]) / den : null;
  }
  const values = mine.map((r) => r[spec.y]).filter((v) => v !== null && v !== undefined);
  if (!values.length) return null;
  const total = values.reduce((a, b) => a + b, 0);
  return spec.rate ? total / values.length : total;
}

function periodLabel(day, granularity) {
  const [y, m, d] = day.split("-").map(Number);
  return granularity === "month" ? `${MONTHS[m - 1]} ${y}` : `${MONTHS[m - 1]} ${d}`;
}

function chartWidth(box) {
  return Math.round(Math.max(280, Math.min(720, box.clientWidth || 600)));
}

// A tooltip inside the chart's box, shown next to the hovered mark.
function attachTip(box, svg) {
  const tip = h("div", { class: "chart-tip", hidden: true, "data-testid": "chart-tip" });
  box.append(tip);
  svg.addEventListener("mouseover", (event) => {
    const mark = event.target.closest(".hit");
    if (!mark) return;
    for (const other of svg.querySelectorAll(".hit.active")) other.classList.remove("active");
    mark.classList.add("active");
    tip.textContent = mark.dataset.tip;
    tip.hidden = false;
    const area = box.getBoundingClientRect(), at = mark.getBoundingClientRect();
    tip.style.left = `${Math.max(0, Math.min(area.width - tip.offsetWidth, at.left - area.left + at.width / 2 - tip.offsetWidth / 2))}px`;
    tip.style.top = `${Math.max(0, at.top - area.top - tip.offsetHeight - 6)}px`;
  });
  svg.addEventListener("mouseleave", () => { tip.hidden = true; });
}

function groupRows(rows, spec) {
  let chosen = spec.where ? rows.filter((r) => r[spec.where[0]] === spec.where[1]) : rows;
  const groups = new Map();
  for (const row of chosen) {
    const key = row[spec.by] === null ? "—" : String(row[spec.by]);
    if (!groups.has(key)) groups.set(key, []);
    if (row[spec.y] !== null && row[spec.y] !== undefined) groups.get(key).push(row[spec.y]);
  }
  chosen = [...groups.entries()].map(([key, values]) => {
    let v = null;
    if (values.length) {
      if (spec.agg === "sum") v = values.reduce((a, b) => a + b, 0);
      else if (spec.agg === "mean") v = values.reduce((a, b) => a + b, 0) / values.length;
      else v = values[0];
    }
    return { key, value: v === null ? null : v * (spec.scale || 1) };
  });
  chosen.sort((a, b) => (b.value ?? -1) - (a.value ?? -1));
  return spec.top ? chosen.slice(0, spec.top) : chosen;
}

function drawBars(box, rows, spec, previousRows) {
  const data = groupRows(rows, spec);
  const before = previousRows ? new Map(groupRows(previousRows, { ...spec, top: 0 }).map((d) => [d.key, d.value])) : null;
  const W = chartWidth(box), ROW = 24, top = 4, bottom = 26;
  const H = top + data.length * ROW + bottom;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart-svg bars", role: "img", "aria-label": spec.title, "data-testid": "chart" });
  box.append(svg);
  // category labels in their own column, measured so the column fits the longest one
  const labels = data.map((d) => s("text", { class: "bar-label", "text-anchor": "end" }, d.key.length > 22 ? d.key.slice(0, 21) + "…" : d.key));
  svg.append(...labels);
  const labelW = Math.min(W * 0.4, Math.max(40, ...labels.map((t) => t.getBBox().width)) + 8);
  // each bar's value (and its change against the previous period), measured for the room they need
  const values = data.map((d) => {
    const text = s("text", { class: "value-label" }, chartValue(d.value, spec));
    const delta = before ? chartDelta(d.value, before.get(d.key), spec) : null;
    if (delta) text.append(" ", s("tspan", { class: deltaClass(delta, spec), "data-testid": "chart-delta" }, delta.text));
    svg.append(text);
    return text;
  });
  const valueW = Math.max(64, ...values.map((t) => t.getBBox().width + 10));  // right of the longest bar
  const x0 = labelW, plotW = W - labelW - valueW;
  const max = spec.rate ? Math.max(1, ...data.map((d) => d.value || 0)) : Math.max(0, ...data.map((d) => d.value || 0));
  const ticks = spec.rate ? [0, 0.25, 0.5, 0.75, 1].concat(max > 1 ? niceTicks(max, 4).filter((t) => t > 1) : []) : niceTicks(max, W < 420 ? 3 : 5);
  const xMax = ticks[ticks.length - 1];
  const x = (v) => x0 + (v / xMax) * plotW;
  const grid = s("g", { class: "grid" }), axis = s("g", { class: "axis" });
  for (const t of ticks) {
    grid.append(s("line", { x1: x(t), x2: x(t), y1: top, y2: H - bottom + 4 }));
    axis.append(s("text", { x: x(t), y: H - 8, "text-anchor": "middle", class: "tick-label" }, axisValue(t, spec)));
  }
  svg.prepend(grid);
  svg.append(axis);
  data.forEach((d, i) => {
    const y = top + i * ROW;
    labels[i].setAttribute("x", x0 - 6);
    labels[i].setAttribute("y", y + ROW / 2 + 4);
    labels[i].append(s("title", {}, d.key));
    const width = d.value ? Math.max(1, x(d.value) - x0) : 0;
    const color = MODE_COLORS[d.key] || SERIES_COLORS[0];
    const was = before && before.has(d.key) ? ` (previous period ${chartValue(before.get(d.key), spec)})` : "";
    svg.append(s("rect", { class: "hit", x: x0, y: y + 4, width, height: ROW - 8, fill: color, "data-tip": `${d.key}: ${chartValue(d.value, spec)}${was}`, "data-value": d.value ?? "" },
      s("title", {}, `${d.key}: ${chartValue(d.value, spec)}${was}`)));
    values[i].setAttribute("x", x0 + width + 4);
    values[i].setAttribute("y", y + ROW / 2 + 4);
  });
  attachTip(box, svg);
}

function drawLines(box, rows, spec, granularity, previousRows) {
  const periods = [...new Set(rows.map((r) => r[spec.x]))].sort();
  const names = spec.by ? [...new Set(rows.map((r) => r[spec.by]))].sort() : [spec.y];
  const values = new Map();  // series -> period -> value
  for (const name of names) values.set(name, new Map());
  for (const row of rows) {
    const name = spec.by ? row[spec.by] : spec.y;
    const series = values.get(name);
    if (row[spec.y] === null || row[spec.y] === undefined) continue;
    series.set(row[spec.x], (series.get(row[spec.x]) || 0) + row[spec.y]);
  }
  const W = chartWidth(box), H = Math.round(W < 420 ? 220 : 260);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart-svg lines", role: "img", "aria-label": spec.title, "data-testid": "chart" });
  box.append(svg);
  const all = [...values.values()].flatMap((m) => [...m.values()]);
  const ticks = spec.rate ? [0, 0.25, 0.5, 0.75, 1] : niceTicks(Math.max(0, ...all), H < 240 ? 4 : 5);
  const yMax = spec.rate ? Math.max(1, ...all) : ticks[ticks.length - 1];
  const axis = s("g", { class: "axis" }), grid = s("g", { class: "grid" });
  const tickTexts = ticks.map((t) => s("text", { "text-anchor": "end" }, axisValue(t, spec)));
  axis.append(...tickTexts);
  svg.append(grid, axis);
  const left = Math.max(...tickTexts.map((t) => t.getBBox().width)) + 10, right = 14, top = 10, bottom = 28;
  const plotW = W - left - right, plotH = H - top - bottom;
  const day = (p) => Date.parse(`${p}T00:00:00Z`);
  const t0 = day(periods[0]), t1 = day(periods[periods.length - 1]);
  const x = (p) => (t1 === t0 ? left + plotW / 2 : left + ((day(p) - t0) / (t1 - t0)) * plotW);
  const y = (v) => top + plotH - (v / yMax) * plotH;
  ticks.forEach((t, i) => {
    grid.append(s("line", { x1: left, x2: W - right, y1: y(t), y2: y(t) }));
    tickTexts[i].setAttribute("x", left - 6);
    tickTexts[i].setAttribute("y", y(t) + 4);
  });
  // one tick per period (the data's own granularity), every k-th labelled so labels keep apart
  const sample = s("text", {}, periodLabel(periods[0], granularity));
  axis.append(sample);
  const labelW = sample.getBBox().width + 14;
  sample.remove();
  const spacing = periods.length > 1 ? plotW / ((t1 - t0) / 86400000) : plotW;  // px per day
  const perPeriod = granularity === "month" ? spacing * 30 : granularity === "week" ? spacing * 7 : spacing;
  const every = Math.max(1, Math.ceil(labelW / Math.max(1, perPeriod)));
  periods.forEach((p, i) => {
    axis.append(s("line", { x1: x(p), x2: x(p), y1: top + plotH, y2: top + plotH + 4, stroke: "#8c959f" }));
    if (i % every === 0) {
      axis.append(s("text", { x: x(p), y: H - 8, "text-anchor": "middle", class: "tick-label" }, periodLabel(p, granularity)));
    }
  });
  names.forEach((name, index) => {
    const color = MODE_COLORS[name] || SERIES_COLORS[index % SERIES_COLORS.length];
    const points = periods.filter((p) => values.get(name).has(p));
    svg.append(s("polyline", { fill: "none", stroke: color, "stroke-width": 2, points: points.map((p) => `${x(p).toFixed(1)},${y(values.get(name).get(p)).toFixed(1)}`).join(" ") }));
    for (const p of points) {
      const v = values.get(name).get(p);
      const tip = `${spec.by ? name + " · " : ""}${p}: ${chartValue(v, spec)}`;
      svg.append(s("circle", { class: "hit", cx: x(p), cy: y(v), r: 4, fill: color, "data-tip": tip, "data-value": v }, s("title", {}, tip)));
    }
  });
  if (spec.by) {
    box.append(h("div", { class: "legend" }, names.map((name, i) =>
      h("span", { style: `--swatch: ${MODE_COLORS[name] || SERIES_COLORS[i % SERIES_COLORS.length]}` }, name))));
  }
  if (previousRows) {
    // each series' figure for the whole period and its change against the previous one
    const what = spec.ratio ? "overall" : spec.rate ? "mean" : "total";
    box.append(h("ul", { class: "chart-deltas", "data-testid": "chart-deltas" }, names.map((name) => {
      const now = headline(rows, spec, name), delta = chartDelta(now, headline(previousRows, spec, name), spec);
      return h("li", { "data-series": name },
        `${spec.by ? name + " " : ""}${what} ${chartValue(now, spec)} `,
        delta ? h("span", { class: deltaClass(delta, spec), "data-testid": "chart-delta" }, delta.text) : null);
    })));
  }
  attachTip(box, svg);
}

// Draw every chart of the report document `doc` into `container`; with `previous` (the same report
// for the previous period `period`, {from, to}) each chart shows its changes against it.
function drawReportCharts(container, doc, previous, period) {
  clear(container);
  const specs = REPORT_CHARTS[doc.report] || [];
  const granularity = doc.filters.granularity || "day";
  for (const spec of specs) {
    const box = h("div", { class: "chart-box", "data-chart": spec.title });
    container.append(box);
    box.append(h("h3", {}, spec.title));
    const rows = doc.tables[spec.table].rows;
    if (!rows.length) { box.append(h("p", { class: "muted" }, "No data for these filters.")); continue; }
    const previousRows = previous ? previous.tables[spec.table].rows : null;
    if (spec.kind === "line") drawLines(box, rows, spec, granularity, previousRows);
    else drawBars(box, rows, spec, previousRows);
    if (previousRows) {
      box.append(h("p", { class: "muted chart-compare", "data-testid": "chart-compare" },
        `▲ ▼ changes against ${period.from} to ${period.to}, the same number of days just before`
        + (previousRows.length ? "" : " (no data then)")));
    }
  }
}
