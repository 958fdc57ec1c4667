// Plan board: request a plan and follow its progress, read KPIs, service loads, truck routes and
// each shipment's itinerary with its explanation, accept it; recent plans. The inbox is inbox.js.
"use strict";

let capacities = null;
let shownPlan = null;
let polling = null;

const KPI_LABELS = [
  ["shipments", "shipments", 0], ["planned", "planned", 0], ["on_time", "on time", 0],
  ["cost", "cost (CNY)", 0], ["co2_kg", "CO2e (kg)", 0], ["trucks_used", "trucks", 0], ["truck_km", "truck km", 0],
];

async function serviceCapacities() {
  if (!capacities) {
    capacities = {};
    for (const sv of await apiAll("/v1/services")) capacities[sv.id] = sv;
  }
  return capacities;
}

function renderJobState(job) {
  const box = clear(document.getElementById("job"));
  const fraction = Math.max(0, Math.min(1, job.progress || 0));
  box.append(
    h("span", { "data-testid": "job-status" }, `${job.id}: ${job.status}`),
    h("div", { class: "progress", title: pct(fraction) }, h("div", { style: `width: ${fraction * 100}%` })),
    h("span", { class: "muted" }, job.message || ""));
}

function itinerary(sp) {
  if (sp.status !== "planned") return h("span", { class: "badge late" }, sp.reason || "unplanned");
  return h("div", {}, sp.legs.map((leg) => h("div", {},
    h("span", { class: `mode-${leg.mode}` }, leg.mode), ` ${leg.from} → ${leg.to} `,
    h("span", { class: "muted" }, `${leg.service_id || leg.vehicle_id} · ${fmtTime(leg.depart)} → ${fmtTime(leg.arrive)}`))));
}

function explanation(sp) {
  if (sp.status !== "planned") return sp.detail || "";
  const alt = sp.alternative;
  if (!alt) return h("span", { class: "muted" }, "no other feasible itinerary");
  const parts = [];
  if (alt.delta_cost !== null && alt.delta_cost !== undefined) parts.push(`${alt.delta_cost >= 0 ? "+" : ""}${fmtNumber(alt.delta_cost, 0)} CNY`);
  if (alt.delta_transit_minutes !== null && alt.delta_transit_minutes !== undefined) parts.push(`${alt.delta_transit_minutes >= 0 ? "+" : "-"}${fmtMinutes(Math.abs(alt.delta_transit_minutes))}`);
  if (alt.delta_co2_kg !== null && alt.delta_co2_kg !== undefined) parts.push(`${alt.delta_co2_kg >= 0 ? "+" : ""}${fmtNumber(alt.delta_co2_kg, 0)} kg CO2e`);
  const lines = [h("div", {}, `Best rejected: ${alt.description}`), h("div", { class: "muted" }, parts.join(" · "))];
  if (alt.reason) lines.push(h("div", { class: "muted" }, `Why not: ${alt.reason}`));
  return h("div", {}, ...lines);
}

function renderShipments(plan) {
  const box = clear(document.getElementById("shipments"));
  box.append(h("table", { "data-testid": "plan-shipments" },
    h("thead", {}, h("tr", {}, ["shipment", "itinerary", "delivered / due", "cost", "CO2e kg", "why this way"].map((t) => h("th", {}, t)))),
    h("tbody", {}, plan.shipments.map((sp) => h("tr", { "data-id": sp.id },
      h("td", {}, h("a", { href: `/track?shipment=${encodeURIComponent(sp.id)}` }, sp.id)),
      h("td", {}, itinerary(sp)),
      h("td", {}, sp.status === "planned"
        ? [h("div", {}, fmtTime(sp.delivered_at)), h("div", { class: "muted" }, `due ${fmtTime(sp.due_at)}`),
          h("span", { class: `badge ${sp.on_time ? "ok" : "late"}` }, sp.on_time ? "on time" : `late ${fmtMinutes(sp.late_minutes)}`)]
        : h("div", { class: "muted" }, `due ${fmtTime(sp.due_at)}`)),
      h("td", { class: "num" }, fmtNumber(sp.cost, 0)),
      h("td", { class: "num" }, fmtNumber(sp.co2_kg, 0)),
      h("td", {}, explanation(sp)))))));
}

function renderAcceptState(job) {
  const button = document.getElementById("accept-button");
  const state = clear(document.getElementById("accept-state"));
  button.disabled = job.status !== "done" || Boolean(job.accepted_at);
  if (job.accepted_at) state.append(h("span", { class: "badge ok", "data-testid": "accepted" }, `accepted ${fmtTime(job.accepted_at)}`));
}

async function renderPlan(job) {
  shownPlan = job;
  const plan = job.plan;
  document.getElementById("plan").hidden = false;
  const violations = (plan.check && plan.check.violations) || [];
  document.getElementById("plan-title").textContent =
    `Plan ${job.id} · ${plan.objective} · solver ${plan.solver.status || ""} in ${fmtNumber(plan.solver.time_s)} s`;
  const kpis = clear(document.getElementById("kpis"));
  for (const [key, label, digits] of KPI_LABELS) {
    kpis.append(h("div", { class: "kpi", "data-kpi": key }, h("div", { class: "v" }, fmtNumber(plan.kpis[key], digits)), h("div", { class: "k" }, label)));
  }
  kpis.append(h("div", { class: "kpi" }, h("div", { class: "v" }, violations.length), h("div", { class: "k" }, "checker violations")));
  renderAcceptState(job);
  renderShipments(plan);
  drawGantt(document.getElementById("gantt"), plan.vehicles);
  try {
    drawLoadBars(document.getElementById("loads"), plan.services, await serviceCapacities());
  } catch (err) {
    showError(err);
  }
}

async function follow(planId) {
  if (polling) clearTimeout(polling);
  let job;
  try {
    job = await api(`/v1/plans/${encodeURIComponent(planId)}`);
  } catch (err) {
    showError(err);
    return;
  }
  renderJobState(job);
  if (job.status === "done") {
    document.getElementById("request-button").disabled = false;
    await renderPlan(job);
    loadJobs();
  } else if (job.status === "failed") {
    document.getElementById("request-button").disabled = false;
    showError(new ApiError(500, "Plan failed", job.message));
    loadJobs();
  } else {
    polling = setTimeout(() => follow(planId), 1000);
  }
}

async function requestPlan(event) {
  event.preventDefault();
  clearMessages();
  const body = {
    objective: document.getElementById("objective").value,
    time_limit_s: Number(document.getElementById("time-limit").value),
  };
  try {
    const job = await api("/v1/plans", { method: "POST", json: body });
    document.getElementById("request-button").disabled = true;
    document.getElementById("plan").hidden = true;
    renderJobState(job);
    history.replaceState(null, "", `/plans?plan=${encodeURIComponent(job.id)}`);
    follow(job.id);
  } catch (err) {
    showError(err);
  }
}

async function accept() {
  if (!shownPlan) return;
  clearMessages();
  try {
    const answer = await api(`/v1/plans/${encodeURIComponent(shownPlan.id)}/accept`, { method: "POST" });
    showInfo(`Plan ${answer.id} accepted: ${answer.booked_shipments} shipment(s) booked.`);
    const job = await api(`/v1/plans/${encodeURIComponent(shownPlan.id)}`);
    shownPlan = job;
    renderAcceptState(job);
    loadJobs();
    Inbox.load();
  } catch (err) {
    showError(err);
  }
}

async function loadJobs() {
  const box = clear(document.getElementById("jobs"));
  try {
    const { items } = await api("/v1/plans");
    if (!items.length) { box.append(h("p", { class: "muted" }, "No plans yet.")); return; }
    box.append(h("table", {}, h("thead", {}, h("tr", {}, ["plan", "status", "objective", "created", "accepted"].map((t) => h("th", {}, t)))),
      h("tbody", {}, items.map((job) => h("tr", {},
        h("td", {}, h("a", { href: `/plans?plan=${encodeURIComponent(job.id)}`, onclick: (ev) => { ev.preventDefault(); history.replaceState(null, "", `/plans?plan=${encodeURIComponent(job.id)}`); follow(job.id); } }, job.id)),
        h("td", {}, job.status), h("td", {}, job.objective), h("td", {}, fmtTime(job.created_at)),
        h("td", {}, job.accepted_at ? fmtTime(job.accepted_at) : "—"))))));
  } catch (err) {
    showError(err);
  }
}

(async () => {
  const me = await boot("plans");
  if (!me) return;
  document.getElementById("request").addEventListener("submit", requestPlan);
  document.getElementById("accept-button").addEventListener("click", accept);
  loadJobs();
  Inbox.mount({
    onReplan: (job) => {
      document.getElementById("request-button").disabled = true;
      document.getElementById("plan").hidden = true;
      renderJobState(job);
      history.replaceState(null, "", `/plans?plan=${encodeURIComponent(job.id)}`);
      follow(job.id);
      loadJobs();
    },
  });
  const wanted = new URLSearchParams(location.search).get("plan");
  if (wanted) follow(wanted);
})();
