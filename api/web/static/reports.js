// Reports page: pick a report, its table and filters; preview the table (rates as percentages,
// decimals rounded, columns sortable), compare it with the previous period of the same length,
// and draw its charts as SVG; download the table as CSV or Parquet, or the report as XLSX.
"use strict";

let catalog = [];
let current = null;  // {doc, previous, tableName, sort: {column, dir}}
const FILTERS = ["from", "to", "hub", "mode", "lane", "shipper", "carrier", "granularity", "as_of"];
const NUMERIC = new Set(["int", "float", "rate"]);
const AMOUNT = /(^|_)(kg|m3|km|tonne_km|legs|shipments|pieces|stops|services|exceptions|open|delivered|on_time|delivered_actual|delivered_planned)$/;

function selectedReport() {
  const name = document.getElementById("report").value;
  return catalog.find((r) => r.name === name);
}

function fillTables() {
  const report = selectedReport();
  const select = clear(document.getElementById("table"));
  for (const t of report.tables) select.append(h("option", { value: t.name }, `${t.name} — ${t.title}`));
  document.getElementById("description").textContent = report.description;
}

function query(extra, overrides) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = document.getElementById(name).value.trim();
    if (value) params.set(name, value);
  }
  for (const [k, v] of Object.entries(overrides || {})) params.set(k, v);
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return params.toString();
}

// The period just before [from, to) with the same number of days, or null without both bounds.
function previousPeriod() {
  const from = document.getElementById("from").value, to = document.getElementById("to").value;
  if (!from || !to) return null;
  const start = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`);
  if (!(end > start)) return null;
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(start - (end - start)), to: from };
}

function fmtCell(value, type) {
  if (value === null || value === undefined || value === "") return "";
  if (type === "rate") return `${(value * 100).toFixed(1)} %`;
  if (type === "float") return fmtNumber(value, 2);
  if (type === "int") return fmtNumber(value, 0);
  if (type === "datetime") return fmtTime(value);
  return String(value);
}

function fmtDelta(now, before, type) {
  if (before === null || before === undefined || now === null || now === undefined) return null;
  const d = now - before;
  if (type === "rate") return { text: `${d >= 0 ? "+" : ""}${(d * 100).toFixed(1)} pp`, sign: Math.sign(d) };
  return { text: `${d >= 0 ? "+" : ""}${fmtNumber(d, type === "int" ? 0 : 2)}`, sign: Math.sign(d) };
}

function keyColumns(table) {
  return table.columns.filter((c) => c.type === "str").map((c) => c.name);
}

function hasTimeKey(table) {
  return table.columns.some((c) => c.type === "date" || c.type === "datetime");
}

function sortedRows(table, sort) {
  const rows = table.rows.slice();
  if (!sort) return rows;
  const dir = sort.dir === "ascending" ? 1 : -1;
  return rows.sort((a, b) => {
    const x = a[sort.column], y = b[sort.column];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;  // empty cells last either way
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * dir;
  });
}

function renderTable() {
  const { doc, previous, tableName, sort } = current;
  const table = doc.tables[tableName];
  const box = clear(document.getElementById("preview"));
  if (!table.rows.length) { box.append(h("p", { class: "muted", "data-testid": "empty-table" }, "No rows for these filters.")); return; }
  const keys = keyColumns(table);
  const before = new Map();
  const rowDeltas = previous && !hasTimeKey(table);
  if (rowDeltas) for (const row of previous.tables[tableName].rows) before.set(keys.map((k) => row[k]).join("\u0000"), row);
  const heads = table.columns.map((c) => h("th", {
    title: c.definition, class: `sortable${NUMERIC.has(c.type) ? " num" : ""}`, "data-column": c.name,
    "aria-sort": sort && sort.column === c.name ? sort.dir : "none",
    onclick: () => {
      const dir = sort && sort.column === c.name && sort.dir === "descending" ? "ascending"
        : sort && sort.column === c.name ? "descending" : NUMERIC.has(c.type) ? "descending" : "ascending";
      current.sort = { column: c.name, dir };
      renderTable();
    },
  }, c.type === "rate" ? `${c.name} (%)` : c.name));
  box.append(h("table", { "data-testid": "report-table" },
    h("thead", {}, h("tr", {}, heads)),
    h("tbody", {}, sortedRows(table, sort).map((row) => {
      const old = rowDeltas ? before.get(keys.map((k) => row[k]).join("\u0000")) : null;
      return h("tr", {}, table.columns.map((c) => {
        const value = row[c.name];
        if (!NUMERIC.has(c.type)) return h("td", {}, fmtCell(value, c.type));
        const delta = rowDeltas ? (old ? fmtDelta(value, old[c.name], c.type) : { text: "new", sign: 0 }) : null;
        return h("td", { class: "num", "data-value": value ?? "" }, fmtCell(value, c.type),
          delta ? h("span", { class: `delta ${delta.sign > 0 ? "up" : delta.sign < 0 ? "down" : ""}`, "data-testid": "delta" }, delta.text) : null);
      }));
    }))));
}

function renderComparison() {
  const { doc, previous, tableName, period } = current;
  const box = clear(document.getElementById("compare"));
  if (!document.getElementById("compare-toggle").checked) return;
  if (!previous) {
    box.append(h("p", { class: "muted" }, "Set From and To to compare with the previous period of the same length."));
    return;
  }
  const table = doc.tables[tableName], old = previous.tables[tableName];
  const sums = table.columns.filter((c) => (c.type === "int" || c.type === "float") && AMOUNT.test(c.name));
  const total = (rows, name) => rows.reduce((a, r) => a + (r[name] || 0), 0);
  box.append(h("p", {}, h("strong", {}, `Compared with ${period.from} to ${period.to}`),
    " (the same number of days just before)",
    hasTimeKey(table) ? ": totals of this table." : ": totals, and each row's change under its figures."));
  if (!sums.length) return;
  box.append(h("div", { class: "kpis" }, sums.map((c) => {
    const now = total(table.rows, c.name), then = total(old.rows, c.name);
    const delta = fmtDelta(now, then, c.type);
    return h("div", { class: "kpi", "data-kpi": c.name },
      h("div", { class: "v" }, fmtCell(now, c.type)),
      h("div", { class: "k" }, c.name, " ", h("span", { class: `delta ${delta.sign > 0 ? "up" : delta.sign < 0 ? "down" : ""}`, "data-testid": "total-delta" },
        `${delta.text} vs ${fmtCell(then, c.type)}`)));
  })));
}

async function preview(event) {
  if (event) event.preventDefault();
  clearMessages();
  const report = selectedReport();
  const tableName = document.getElementById("table").value;
  const period = document.getElementById("compare-toggle").checked ? previousPeriod() : null;
  let doc, previous = null;
  try {
    const path = `/v1/reports/${encodeURIComponent(report.name)}`;
    [doc, previous] = await Promise.all([
      api(`${path}?${query({ format: "json" })}`),
      period ? api(`${path}?${query({ format: "json" }, period)}`) : Promise.resolve(null),
    ]);
  } catch (err) {
    document.getElementById("result").hidden = true;
    showError(err);
    return;
  }
  current = { doc, previous, tableName, period, sort: null };
  const table = doc.tables[tableName];
  document.getElementById("result").hidden = false;
  document.getElementById("result-title").textContent = `${doc.title} — ${table.title}`;
  const filters = Object.entries(doc.filters).filter(([k, v]) => v !== null && v !== "" && v !== "all" && v !== "open" && k !== "as_of").map(([k, v]) => `${k} ${/^\d{4}-\d{2}-\d{2}T/.test(v) ? fmtTime(v) : v}`).join(", ");
  document.getElementById("result-meta").textContent =
    `${table.rows.length} row(s) · as of ${fmtTime(doc.as_of)} · filters: ${filters || "none"} · rates in %, figures rounded (downloads: CSV/XLSX rounded, Parquet full precision)`;
  renderComparison();
  renderTable();
  try {
    drawReportCharts(document.getElementById("charts"), doc, previous, period);
  } catch (err) {
    showError(err, document.getElementById("charts"));
  }
}

async function download(format) {
  clearMessages();
  const report = selectedReport();
  const extra = { format };
  if (format !== "xlsx") extra.table = document.getElementById("table").value;
  try {
    const { blob, filename } = await apiBlob(`/v1/reports/${encodeURIComponent(report.name)}?${query(extra)}`);
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    showInfo(`Downloaded ${filename}`);
  } catch (err) {
    showError(err);
  }
}

(async () => {
  const me = await boot("reports");
  if (!me) return;
  try {
    catalog = (await api("/v1/reports")).items;
  } catch (err) {
    showError(err);
    return;
  }
  const select = document.getElementById("report");
  for (const r of catalog) select.append(h("option", { value: r.name }, `${r.name} — ${r.title}`));
  select.addEventListener("change", fillTables);
  fillTables();
  document.getElementById("filters").addEventListener("submit", preview);
  document.getElementById("table").addEventListener("change", () => { if (current) preview(); });
  for (const button of document.querySelectorAll("button[data-format]")) {
    button.addEventListener("click", () => download(button.dataset.format));
  }
})();
