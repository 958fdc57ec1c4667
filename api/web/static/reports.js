// Reports page: pick a report, its table and filters; preview the table and the chart; download
// the table as CSV or Parquet, or the whole report as XLSX (files come from /v1/reports/{name}).
"use strict";

let catalog = [];
let chartUrl = null;
const FILTERS = ["from", "to", "hub", "mode", "lane", "shipper", "carrier", "granularity", "as_of"];

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

function query(extra) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = document.getElementById(name).value.trim();
    if (value) params.set(name, value);
  }
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return params.toString();
}

function cell(value, type) {
  if (value === null || value === undefined) return h("td", { class: "muted" }, "");
  if (type === "float") return h("td", { class: "num" }, fmtNumber(value, 3));
  if (type === "int") return h("td", { class: "num" }, value);
  return h("td", {}, value);
}

function renderTable(table) {
  const box = clear(document.getElementById("preview"));
  if (!table.rows.length) { box.append(h("p", { class: "muted", "data-testid": "empty-table" }, "No rows for these filters.")); return; }
  box.append(h("table", { "data-testid": "report-table" },
    h("thead", {}, h("tr", {}, table.columns.map((c) => h("th", { title: c.definition, class: c.type === "int" || c.type === "float" ? "num" : null }, c.name)))),
    h("tbody", {}, table.rows.map((row) => h("tr", {}, table.columns.map((c) => cell(row[c.name], c.type)))))));
}

async function preview(event) {
  if (event) event.preventDefault();
  clearMessages();
  const report = selectedReport();
  const tableName = document.getElementById("table").value;
  let doc;
  try {
    doc = await api(`/v1/reports/${encodeURIComponent(report.name)}?${query({ format: "json" })}`);
  } catch (err) {
    document.getElementById("result").hidden = true;
    showError(err);
    return;
  }
  const table = doc.tables[tableName];
  document.getElementById("result").hidden = false;
  document.getElementById("result-title").textContent = `${doc.title} — ${table.title}`;
  const filters = Object.entries(doc.filters).filter(([, v]) => v !== null && v !== "").map(([k, v]) => `${k}=${v}`).join(", ");
  document.getElementById("result-meta").textContent =
    `${table.rows.length} row(s) · as of ${fmtTime(doc.as_of)} · filters: ${filters || "none"}`;
  renderTable(table);
  const chart = clear(document.getElementById("chart"));
  chart.append(h("p", { class: "muted" }, "Drawing the chart…"));
  try {
    const { blob } = await apiBlob(`/v1/reports/${encodeURIComponent(report.name)}/chart.png?${query()}`);
    if (chartUrl) URL.revokeObjectURL(chartUrl);
    chartUrl = URL.createObjectURL(blob);
    clear(chart).append(h("img", { src: chartUrl, class: "chart", alt: `${doc.title} chart`, "data-testid": "chart" }));
  } catch (err) {
    clear(chart);
    showError(err, chart);
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
  for (const button of document.querySelectorAll("button[data-format]")) {
    button.addEventListener("click", () => download(button.dataset.format));
  }
})();
