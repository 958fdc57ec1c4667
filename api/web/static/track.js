// Tracking page: the caller's consignments (a shipper sees only its own) with status, ETA against
// due and last update, searchable and filterable; one consignment's status line, milestones, legs
// (planned / estimated / actual), exceptions, map and share link.
"use strict";

let currentShipment = null;
let listRows = [];
let listCoordinator = false;
const LIST_PAGE = 200;  // rows drawn at once; "show all" draws the rest

function modeBadge(mode) {
  return h("span", { class: `mode-${mode}` }, mode);
}

function etaBadge(view) {
  if (view.delivered_at) {
    const late = view.delivered_at > view.due_at; // same zone (the destination's): strings compare
    return h("span", { class: `badge ${late ? "late" : "ok"}`, "data-testid": "eta-badge" }, late ? "delivered late" : "delivered");
  }
  if (view.eta_minutes_late === null || view.eta_minutes_late === undefined) {
    return h("span", { class: "badge warn", "data-testid": "eta-badge" }, "ETA unknown");
  }
  return view.eta_minutes_late > 0
    ? h("span", { class: "badge late", "data-testid": "eta-badge" }, `late by ${fmtMinutes(view.eta_minutes_late)}`)
    : h("span", { class: "badge ok", "data-testid": "eta-badge" }, `on time (${fmtMinutes(-view.eta_minutes_late)} early)`);
}

function etaUnknownReason(view) {
  if (view.delivered_at || view.eta) return null;
  if (!view.legs.length) return "it is not booked on a flight, train or truck yet";
  if (view.missed_connection) {
    return `it will miss its connection at ${view.missed_connection.hub}; a new ETA follows when it is rebooked`;
  }
  return "no estimate can be made from the tracking received so far";
}

// Element.append writes null as the text "null": append only what is there.
function append(box, ...children) {
  box.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function renderSummary(view, zones) {
  const box = clear(document.getElementById("summary"));
  const position = view.last_position;
  append(box,
    h("div", { class: "hero" },
      h("span", { class: "big", "data-testid": "shipment-title" }, view.shipment_id),
      h("span", {}, `${view.origin} → ${view.destination}`),
      h("span", {}, "Status: ", h("strong", { "data-testid": "status" }, view.status || "not started")),
      view.needs_replan ? h("span", { class: "badge late" }, "needs replan") : null),
    h("div", { class: "hero" },
      h("span", {}, view.delivered_at ? "Delivered: " : "ETA: ", h("strong", { "data-testid": "eta" }, fmtTime(view.delivered_at || view.eta))),
      h("span", {}, "Due: ", h("strong", { "data-testid": "due" }, fmtTime(view.due_at))),
      etaBadge(view)),
    view.status_sentence
      ? h("p", { class: "status-sentence", "data-testid": "status-sentence" },
        localizeText(view.status_sentence, view.missed_connection ? zones[view.missed_connection.hub] : zones[view.destination]))
      : null,
    view.missed_connection
      ? h("p", { class: "error", "data-testid": "missed-connection" },
        `Missed connection at ${view.missed_connection.hub}: ${localizeText(view.missed_connection.detail, zones[view.missed_connection.hub])}`)
      : null,
    position
      ? h("p", { class: "muted", "data-testid": "last-seen" }, `Last seen ${fmtTime(position.time)} ` +
        (position.location ? `at ${position.location}` : `near ${position.lat.toFixed(3)}, ${position.lon.toFixed(3)}`))
      : null);
  const place = position && position.location ? position.location : null;
  document.getElementById("status-line").textContent = statusSentence({
    status: view.status,
    place,
    pieces: view.status_pieces,
    booked: view.legs.length > 0,
    destination: view.destination,
    delivered_at: view.delivered_at,
    delivered_shown: fmtTime(view.delivered_at),
    eta_shown: view.eta ? fmtTime(view.eta) : null,
    minutes_late: view.delivered_at ? null : view.eta_minutes_late,
    eta_unknown_reason: etaUnknownReason(view),
  });
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

function renderExceptions(view, zones) {
  const box = clear(document.getElementById("exceptions"));
  if (!view.exceptions.length) {
    box.append(h("p", { class: "muted", "data-testid": "no-exceptions" }, "None open."));
    return;
  }
  const fallback = zones[view.destination];
  box.append(h("table", { "data-testid": "exceptions" },
    h("thead", {}, h("tr", {}, ["reason", "since", "where", "detail"].map((t) => h("th", {}, t)))),
    h("tbody", {}, view.exceptions.map((e) => h("tr", {},
      h("td", {}, h("span", { class: "badge late" }, e.reason)),
      h("td", {}, fmtTime(e.since)),
      h("td", {}, e.location || "—"),
      h("td", {}, localizeText(e.detail || "", zones[e.location] || fallback)))))));
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
  const zones = Object.fromEntries(route.places.map((p) => [p.id, p.timezone]));
  document.getElementById("view").hidden = false;
  renderSummary(view, zones);
  renderTimeline(view);
  renderLegs(view);
  renderExceptions(view, zones);
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

// --- the list of consignments ---------------------------------------------------------------

function listStatus(row) {
  if (row.delivered_at) return "DELIVERED";
  return row.status || "not started";
}

function atRisk(row) {
  return (row.minutes_late !== null && row.minutes_late > 0) || row.needs_replan || row.open_exceptions.length > 0;
}

function etaCell(row) {
  if (row.delivered_at) {
    const late = row.minutes_late > 0;
    return h("td", {}, h("div", {}, fmtTime(row.delivered_at)),
      h("span", { class: `badge ${late ? "late" : "ok"}` }, late ? `delivered ${fmtMinutes(row.minutes_late)} late` : "delivered on time"));
  }
  if (row.eta) {
    const late = row.minutes_late > 0;
    return h("td", {}, h("div", {}, fmtTime(row.eta)),
      h("span", { class: `badge ${late ? "late" : "ok"}` }, late ? `${fmtMinutes(row.minutes_late)} late` : "on time"));
  }
  const why = row.needs_replan ? "needs a replan" : row.status ? "no estimate yet" : "not started";
  return h("td", {}, h("span", { class: "badge warn", title: why }, `ETA unknown · ${why}`));
}

function matches(row, text, status, lateOnly) {
  if (status && listStatus(row) !== status) return false;
  if (lateOnly && !atRisk(row)) return false;
  if (!text) return true;
  const hay = [row.id, row.shipper, row.origin, row.origin_name, row.destination, row.destination_name,
    listStatus(row), ...row.open_exceptions].join(" ").toLowerCase();
  return text.split(/\s+/).every((word) => hay.includes(word));
}

function renderList(showAll) {
  const box = clear(document.getElementById("list"));
  const text = document.getElementById("list-search").value.trim().toLowerCase();
  const status = document.getElementById("list-status").value;
  const lateOnly = document.getElementById("list-late").checked;
  const shown = listRows.filter((row) => matches(row, text, status, lateOnly));
  const late = listRows.filter(atRisk).length;
  document.getElementById("list-count").textContent =
    `${shown.length} of ${listRows.length} consignment${listRows.length === 1 ? "" : "s"} · ${late} late or at risk`;
  if (!shown.length) {
    box.append(h("p", { class: "muted", "data-testid": "list-empty" }, listRows.length ? "No consignment matches these filters." : "No consignments yet."));
    return;
  }
  const heads = ["consignment", listCoordinator ? "shipper" : null, "from → to", "pieces", "status", "ETA against due", "due", "last event"].filter(Boolean);
  const drawn = showAll ? shown : shown.slice(0, LIST_PAGE);
  box.append(h("table", { "data-testid": "shipment-list", class: "list" },
    h("thead", {}, h("tr", {}, heads.map((t) => h("th", {}, t)))),
    h("tbody", {}, drawn.map((row) => h("tr", { "data-id": row.id, class: row.id === currentShipment ? "selected" : null },
      h("td", {}, h("a", { href: `/track?shipment=${encodeURIComponent(row.id)}`, onclick: (ev) => { ev.preventDefault(); openShipment(row.id); } }, row.id)),
      listCoordinator ? h("td", {}, row.shipper) : null,
      h("td", {}, h("span", { title: `${row.origin_name || row.origin} → ${row.destination_name || row.destination}` }, `${row.origin} → ${row.destination}`)),
      h("td", { class: "num" }, row.pieces),
      h("td", { "data-testid": "list-status" }, listStatus(row),
        row.open_exceptions.length ? h("div", {}, row.open_exceptions.map((r) => h("span", { class: "badge late" }, r))) : null),
      etaCell(row),
      h("td", {}, fmtTime(row.due_at)),
      h("td", {}, row.last_event_at_utc ? fmtInstant(row.last_event_at_utc, null) : "—"))))));
  if (drawn.length < shown.length) {
    box.append(h("button", { type: "button", class: "secondary", onclick: () => renderList(true) }, `Show all ${shown.length}`));
  }
}

async function loadList(me) {
  listCoordinator = me.role !== "shipper";
  const title = listCoordinator ? "All consignments" : `Your consignments (${me.shipper_id})`;
  document.getElementById("list-title").textContent = title;
  document.getElementById("page-title").textContent = listCoordinator ? "Tracking" : "Tracking your consignments";
  try {
    listRows = await apiAll("/v1/tracking/shipments");
  } catch (err) {
    showError(err);
    return;
  }
  listRows.sort((a, b) => (a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : a.id.localeCompare(b.id)));
  const options = clear(document.getElementById("shipment-options"));
  for (const row of listRows) options.append(h("option", { value: row.id }));
  const statusSelect = document.getElementById("list-status");
  for (const value of [...new Set(listRows.map(listStatus))].sort()) statusSelect.append(h("option", { value }, value));
  for (const id of ["list-search", "list-status", "list-late"]) {
    document.getElementById(id).addEventListener("input", () => renderList(false));
  }
  document.getElementById("list-filters").addEventListener("submit", (ev) => ev.preventDefault());
  renderList(false);
  if (typeof setUpWebhooks === "function") setUpWebhooks(listRows);
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
