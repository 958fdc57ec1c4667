// Tracking page: the caller's shipments (a shipper sees only its own), and one shipment's
// milestones, ETA against due, legs (planned / estimated / actual), exceptions, map and share link.
"use strict";

let currentShipment = null;

function modeBadge(mode) {
  return h("span", { class: `mode-${mode}` }, mode);
}

function etaBadge(view) {
  if (view.delivered_at) {
    const late = view.delivered_at > view.due_at; // same zone (the destination's): strings compare
    return h("span", { class: `badge ${late ? "late" : "ok"}` }, late ? "delivered late" : "delivered");
  }
  if (view.eta_minutes_late === null || view.eta_minutes_late === undefined) {
    return h("span", { class: "badge warn" }, "ETA unknown");
  }
  return view.eta_minutes_late > 0
    ? h("span", { class: "badge late", "data-testid": "eta-badge" }, `late by ${fmtMinutes(view.eta_minutes_late)}`)
    : h("span", { class: "badge ok", "data-testid": "eta-badge" }, `on time (${fmtMinutes(-view.eta_minutes_late)} early)`);
}

function renderSummary(view) {
  const box = clear(document.getElementById("summary"));
  box.append(
    h("div", { class: "hero" },
      h("span", { class: "big", "data-testid": "shipment-title" }, view.shipment_id),
      h("span", {}, `${view.origin} → ${view.destination}`),
      h("span", {}, "Status: ", h("strong", { "data-testid": "status" }, view.status || "not started")),
      view.needs_replan ? h("span", { class: "badge late" }, "needs replan") : null),
    h("div", { class: "hero" },
      h("span", {}, "ETA: ", h("strong", { "data-testid": "eta" }, fmtTime(view.delivered_at || view.eta))),
      h("span", {}, "Due: ", h("strong", { "data-testid": "due" }, fmtTime(view.due_at))),
      etaBadge(view)),
    view.status_sentence
      ? h("p", { class: "status-sentence", "data-testid": "status-sentence" }, view.status_sentence)
      : null,
    view.missed_connection
      ? h("p", { class: "error" }, `Missed connection at ${view.missed_connection.hub}: ${view.missed_connection.detail}`)
      : null,
    view.last_position
      ? h("p", { class: "muted" }, `Last seen ${fmtTime(view.last_position.time)} ` +
        (view.last_position.location ? `at ${view.last_position.location}` : `near ${view.last_position.lat.toFixed(3)}, ${view.last_position.lon.toFixed(3)}`))
      : null);
}

function renderTimeline(view) {
  const box = clear(document.getElementById("timeline"));
  if (!view.timeline.length && !view.open_estimates.length) {
    box.append(h("p", { class: "muted" }, "No events yet."));
    return;
  }
  const list = h("ol", { class: "timeline", "data-testid": "timeline" });
  for (const e of view.timeline) {
    list.append(h("li", { "data-milestone": e.milestone },
      h("strong", {}, e.milestone), e.reason ? ` (${e.reason})` : "", e.location ? ` at ${e.location}` : "",
      e.mode ? [" · ", modeBadge(e.mode)] : "",
      h("div", { class: "when" }, fmtTime(e.event_time_local), e.inferred ? " · inferred from GPS" : "",
        e.basis && e.basis !== "own report" ? ` · ${e.basis}` : "", ` · ${e.source}`)));
  }
  for (const e of view.open_estimates) {
    list.append(h("li", { class: "estimate" },
      h("em", {}, `${e.milestone} expected`), e.location ? ` at ${e.location}` : "",
      h("div", { class: "when" }, fmtTime(e.event_time_local), ` · estimate from ${e.source}`)));
  }
  box.append(list);
}

function timeCell(planned, estimated, actual, expected) {
  return h("td", {},
    h("div", {}, h("span", { class: "muted" }, "plan "), fmtTime(planned)),
    estimated ? h("div", {}, h("span", { class: "muted" }, "est. "), fmtTime(estimated)) : null,
    actual ? h("div", {}, h("strong", {}, "actual "), fmtTime(actual)) : null,
    !actual && expected && expected !== planned ? h("div", {}, h("span", { class: "muted" }, "expected "), fmtTime(expected)) : null);
}

function renderLegs(view) {
  const box = clear(document.getElementById("legs"));
  if (!view.legs.length) {
    box.append(h("p", { class: "muted" }, "Not booked yet: no accepted plan covers this shipment."));
    return;
  }
  box.append(h("table", { "data-testid": "legs" },
    h("thead", {}, h("tr", {}, ["#", "mode", "from → to", "by", "departure", "arrival", "basis"].map((t) => h("th", {}, t)))),
    h("tbody", {}, view.legs.map((leg) => h("tr", {},
      h("td", {}, leg.leg_index + 1),
      h("td", {}, modeBadge(leg.mode)),
      h("td", {}, `${leg.from} → ${leg.to}`),
      h("td", {}, leg.service_id || leg.vehicle_id || "—"),
      timeCell(leg.planned_depart, leg.estimated_depart, leg.actual_depart, leg.expected_depart),
      timeCell(leg.planned_arrive, leg.estimated_arrive, leg.actual_arrive, leg.expected_arrive),
      h("td", {}, leg.expected_basis || "—",
        leg.evidence_text ? h("div", { class: "muted", "data-testid": "evidence" }, leg.evidence_text) : null))))));
}

function renderExceptions(view) {
  const box = clear(document.getElementById("exceptions"));
  if (!view.exceptions.length) {
    box.append(h("p", { class: "muted", "data-testid": "no-exceptions" }, "None open."));
    return;
  }
  box.append(h("table", { "data-testid": "exceptions" },
    h("thead", {}, h("tr", {}, ["reason", "since", "where", "detail"].map((t) => h("th", {}, t)))),
    h("tbody", {}, view.exceptions.map((e) => h("tr", {},
      h("td", {}, h("span", { class: "badge late" }, e.reason)),
      h("td", {}, fmtTime(e.since)),
      h("td", {}, e.location || "—"),
      h("td", {}, e.detail || ""))))));
}

async function openShipment(id) {
  clearMessages();
  document.getElementById("shipment-id").value = id;
  document.getElementById("share-result").textContent = "";
  const params = new URLSearchParams(location.search);
  if (params.get("shipment") !== id) {
    params.set("shipment", id);
    history.replaceState(null, "", `/track?${params}`);
  }
  let view, route;
  try {
    [view, route] = await Promise.all([
      api(`/v1/shipments/${encodeURIComponent(id)}/tracking`),
      api(`/v1/shipments/${encodeURIComponent(id)}/route`),
    ]);
  } catch (err) {
    document.getElementById("view").hidden = true;
    currentShipment = null;
    showError(err);
    return;
  }
  currentShipment = id;
  document.getElementById("view").hidden = false;
  renderSummary(view);
  renderTimeline(view);
  renderLegs(view);
  renderExceptions(view);
  for (const row of document.querySelectorAll("#list tr[data-id]")) {
    row.classList.toggle("selected", row.dataset.id === id);
  }
  try {
    await drawRouteMap(document.getElementById("map"), route.places, route.current);
  } catch (err) {
    showError(err);
  }
}

async function share() {
  if (!currentShipment) return;
  try {
    const link = await api(`/v1/shipments/${encodeURIComponent(currentShipment)}/share`, { method: "POST" });
    const out = clear(document.getElementById("share-result"));
    out.append(h("a", { href: link.url, target: "_blank", "data-testid": "share-link" }, link.url));
  } catch (err) {
    showError(err);
  }
}

async function loadList(me) {
  const box = clear(document.getElementById("list"));
  let shipments;
  try {
    shipments = await apiAll("/v1/shipments");
  } catch (err) {
    showError(err);
    return;
  }
  const options = clear(document.getElementById("shipment-options"));
  for (const sh of shipments) options.append(h("option", { value: sh.id }));
  const coordinator = me.role !== "shipper";
  const heads = ["shipment", coordinator ? "shipper" : null, "from → to", "pieces", "kg", "ready", "due"].filter(Boolean);
  box.append(h("table", { "data-testid": "shipment-list" },
    h("thead", {}, h("tr", {}, heads.map((t) => h("th", {}, t)))),
    h("tbody", {}, shipments.map((sh) => h("tr", { "data-id": sh.id },
      h("td", {}, h("a", { href: `/track?shipment=${encodeURIComponent(sh.id)}`, onclick: (ev) => { ev.preventDefault(); openShipment(sh.id); } }, sh.id)),
      coordinator ? h("td", {}, sh.shipper) : null,
      h("td", {}, `${sh.origin} → ${sh.destination}`),
      h("td", { class: "num" }, sh.pieces),
      h("td", { class: "num" }, fmtNumber(sh.weight_kg)),
      h("td", {}, fmtTime(sh.ready_at)),
      h("td", {}, fmtTime(sh.due_at)))))));
  if (!shipments.length) box.append(h("p", { class: "muted" }, "No shipments."));
}

(async () => {
  const me = await boot("track");
  if (!me) return;
  document.getElementById("open").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = document.getElementById("shipment-id").value.trim();
    if (id) openShipment(id);
  });
  document.getElementById("share-button").addEventListener("click", share);
  await loadList(me);
  const wanted = new URLSearchParams(location.search).get("shipment");
  if (wanted) await openShipment(wanted);
})();
