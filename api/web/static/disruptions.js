// The coordinator's disruption desk: report a disruption, see the shipments it breaks, request a
// recovery proposal, read it as a difference against the bookings, accept or reject it.
"use strict";

const FIELDS = ["service_id", "vehicle_id", "location", "new_departure", "new_arrival",
  "capacity_kg", "capacity_m3", "starts_at", "ends_at", "note"];
let proposal = null;

function showFieldsFor(kind) {
  for (const label of document.querySelectorAll("#report label[data-for]")) {
    label.hidden = !label.dataset.for.split(" ").includes(kind);
  }
}

function body() {
  const kind = document.getElementById("kind").value;
  const out = { kind };
  for (const name of FIELDS) {
    const input = document.getElementById(name);
    if (input.closest("label").hidden || input.value.trim() === "") continue;
    out[name] = input.type === "number" ? Number(input.value) : input.value.trim();
  }
  return out;
}

async function report(event) {
  event.preventDefault();
  try {
    const d = await api("/v1/disruptions", { method: "POST", json: body() });
    showInfo(`${d.summary}: ${d.booked_shipments.length} shipment(s) booked on it, ` +
      `${d.needing_replan.length} need a replan`);
    await loadList();
  } catch (err) { showError(err); }
}

function disruptionRow(d, detail) {
  const needing = detail ? detail.needing_replan : [];
  const actions = h("td", {});
  if (!d.resolved_at) {
    if (needing.length) {
      actions.append(h("button", { type: "button", "data-testid": "recover", onclick: () => recover(d) },
        `Plan recovery (${needing.length})`));
    }
    actions.append(h("button", { type: "button", class: "secondary", onclick: () => resolve(d) }, "Resolved"));
  }
  return h("tr", { "data-disruption": d.id },
    h("td", {}, d.summary, d.note ? h("div", { class: "muted" }, d.note) : null),
    h("td", {}, fmtTime(d.reported_at)),
    h("td", {}, d.source),
    h("td", {}, detail ? `${detail.booked_shipments.length} booked, ${needing.length} need a replan` : "—",
      needing.length ? h("div", { class: "muted" }, needing.slice(0, 12).join(", ") + (needing.length > 12 ? " …" : "")) : null),
    h("td", {}, d.resolved_at ? `resolved ${fmtTime(d.resolved_at)}` : "applies"),
    actions);
}

async function loadList() {
  const box = clear(document.getElementById("list"));
  const { items } = await api("/v1/disruptions");
  if (!items.length) { box.append(h("p", { class: "muted" }, "No disruption reported.")); return; }
  const details = await Promise.all(items.map((d) => (d.resolved_at ? null : api(`/v1/disruptions/${d.id}`))));
  box.append(h("div", { class: "scroll" }, h("table", { "data-testid": "disruptions" },
    h("thead", {}, h("tr", {}, ["what", "reported", "by", "shipments", "state", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, items.map((d, i) => disruptionRow(d, details[i]))))));
}

async function resolve(d) {
  try { await api(`/v1/disruptions/${d.id}/resolve`, { method: "POST" }); await loadList(); }
  catch (err) { showError(err); }
}

function itineraryText(legs) {
  if (!legs.length) return "—";
  return [legs[0].from, ...legs.map((l) => `→ ${l.to} (${l.service_id || l.vehicle_id})`)].join(" ");
}

function signed(value, unit) {
  if (value === null || value === undefined) return "—";
  return `${value > 0 ? "+" : ""}${unit === "min" ? fmtMinutes(value) : fmtNumber(value, 2)}`;
}

function renderDiff(diff) {
  const box = clear(document.getElementById("proposal"));
  const counts = Object.entries(diff.counts).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ");
  box.append(h("p", { "data-testid": "diff-counts" }, counts || "nothing to change"),
    h("div", { class: "scroll" }, h("table", { "data-testid": "diff" },
      h("thead", {}, h("tr", {}, ["shipment", "change", "was", "now", "ETA change", "cost change", "why"].map((t) => h("th", {}, t)))),
      h("tbody", {}, diff.shipments.map((c) => h("tr", { "data-change": c.change },
        h("td", {}, c.shipment_id),
        h("td", {}, h("span", { class: `badge ${c.change === "unplanned" ? "late" : c.change === "rebooked" ? "warn" : "ok"}` }, c.change.replace("_", " "))),
        h("td", {}, itineraryText(c.old_legs)),
        h("td", {}, itineraryText(c.new_legs)),
        h("td", {}, signed(c.eta_change_minutes, "min"), c.new_eta ? h("div", { class: "muted" }, fmtTime(c.new_eta)) : null),
        h("td", {}, signed(c.cost_change)),
        h("td", {}, c.reason)))))));
}

async function recover(d) {
  const card = document.getElementById("proposal-card");
  card.hidden = false;
  document.getElementById("proposal-actions").hidden = true;
  clear(document.getElementById("proposal"));
  document.getElementById("proposal-title").textContent = `Recovery proposal: ${d.summary}`;
  const state = clear(document.getElementById("proposal-state"));
  try {
    const queued = await api(`/v1/disruptions/${d.id}/recovery`, { method: "POST", json: {} });
    for (;;) {
      const job = await api(`/v1/plans/${queued.id}`);
      clear(state).append(h("span", { "data-testid": "proposal-status" }, `${job.status}: ${job.message}`),
        h("progress", { max: 1, value: job.progress || 0 }));
      if (job.status === "failed") return;
      if (job.status === "done") break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    proposal = queued.id;
    renderDiff(await api(`/v1/plans/${queued.id}/diff`));
    document.getElementById("proposal-actions").hidden = false;
  } catch (err) { showError(err); }
}

async function acceptProposal() {
  try {
    const result = await api(`/v1/plans/${proposal}/accept`, { method: "POST" });
    showInfo(`Accepted: ${result.booked_shipments} booking(s) changed; every other booking is as it was.`);
    document.getElementById("proposal-actions").hidden = true;
    await loadList();
  } catch (err) { showError(err); }
}

function rejectProposal() {
  proposal = null;
  document.getElementById("proposal-card").hidden = true;
  showInfo("Proposal rejected: nothing was booked.");
}

(async () => {
  const me = await boot("disruptions");
  if (!me) return;
  const kind = document.getElementById("kind");
  kind.addEventListener("change", () => showFieldsFor(kind.value));
  showFieldsFor(kind.value);
  document.getElementById("report").addEventListener("submit", report);
  document.getElementById("accept-button").addEventListener("click", acceptProposal);
  document.getElementById("reject-button").addEventListener("click", rejectProposal);
  try { await loadList(); } catch (err) { showError(err); }
})();
