// Public tracking page of a share link: no key; a plain-language status line, milestones, ETA
// against due (and why there is none), what the status and the ETA rest on (which report, from
// which feed, when; planned, reported estimate or computed), pieces, references, last update,
// city-level places.
"use strict";

function publicBadge(view) {
  if (view.on_time === null) return h("span", { class: "badge warn", "data-testid": "eta-badge" }, "no ETA yet");
  const done = view.delivered_at ? "delivered" : "expected";
  return view.on_time
    ? h("span", { class: "badge ok", "data-testid": "eta-badge" }, `${done} on time`)
    : h("span", { class: "badge late", "data-testid": "eta-badge" }, `${done} late`);
}

const ETA_KIND_WORDS = {
  planned: "Planned",
  carrier_estimate: "Reported estimate",
  actual: "Actual arrival",
  computed: "Computed",
};

// "ARRIVED at Zhengzhou …, 2026-11-29 21:30 (+08:00) · from telematics · inferred from its truck: …"
// (the detail says whether it is the consignment's own report, confirmed or inferred)
function statusBasisText(basis) {
  const where = basis.place ? ` at ${basis.place}` : "";
  return `${basis.milestone}${where}, ${fmtTime(basis.time)} · from ${basis.source} · ${basis.detail}`;
}

// "Reported estimate: the estimated arrival reported for … (from haulier, received …)"
function etaBasisText(basis) {
  const origin = basis.source
    ? ` (from ${basis.source}${basis.reported_at ? `, received ${fmtTime(basis.reported_at)}` : ""})`
    : "";
  return `${ETA_KIND_WORDS[basis.kind] || basis.kind}: ${basis.detail}${origin}`;
}

function minutesBetween(later, earlier) {
  return Math.round((new Date(later).getTime() - new Date(earlier).getTime()) / 60000);
}

function render(view) {
  const arrival = view.delivered_at || view.eta;
  const summary = clear(document.getElementById("summary"));
  summary.append(...[
    h("div", { class: "hero" },
      h("span", { class: "big", "data-testid": "shipment-title" }, view.shipment_id),
      h("span", {}, `${view.origin || "?"} → ${view.destination || "?"}`),
      h("span", {}, "Status: ", h("strong", { "data-testid": "status" }, view.status || "not started"))),
    h("div", { class: "hero" },
      h("span", {}, view.delivered_at ? "Delivered: " : "ETA: ",
        h("strong", { "data-testid": "eta" }, arrival ? fmtTime(arrival) : "not known yet")),
      h("span", {}, "Due: ", h("strong", { "data-testid": "due" }, fmtTime(view.due_at))),
      publicBadge(view)),
    !arrival && view.eta_unknown_reason
      ? h("p", { class: "muted", "data-testid": "eta-unknown-reason" }, `Why no ETA: ${view.eta_unknown_reason}.`)
      : null].filter(Boolean));
  document.getElementById("status-line").textContent = statusSentence({
    status: view.status,
    place: view.current ? view.current.name : null,
    pieces: view.status_pieces,
    booked: view.places.length > 0 && view.status !== null,
    destination: view.destination,
    delivered_at: view.delivered_at,
    delivered_shown: fmtTime(view.delivered_at),
    eta_shown: view.eta ? fmtTime(view.eta) : null,
    minutes_late: arrival ? minutesBetween(arrival, view.due_at) : null,
    eta_unknown_reason: view.eta_unknown_reason,
  });
  const facts = clear(document.getElementById("facts"));
  const fact = (term, value, id) => facts.append(h("div", {}, h("dt", {}, term), h("dd", { "data-testid": id }, value)));
  fact("Pieces", String(view.pieces), "pieces");
  fact("Reference", view.references.length
    ? view.references.map((r) => `${r.kind.replace(/_/g, " ")} ${r.value}`).join(", ")
    : view.shipment_id, "reference");
  fact("Last update", view.last_event_at ? fmtTime(view.last_event_at) : "nothing reported yet", "last-update");
  fact("Status based on", view.status_basis ? statusBasisText(view.status_basis) : "no report yet", "status-basis");
  if (view.status_basis) facts.lastChild.dataset.evidence = view.status_basis.evidence;
  if (view.eta_basis) fact("ETA based on", etaBasisText(view.eta_basis), "eta-basis");
  fact("Page checked", `${fmtInstant(view.as_of, null)} · ${fmtAge(view.as_of)}`, "checked");
  if (view.current) {
    fact("Now near", `${view.current.name} (${fmtTime(view.current.time)})`, "current-place");
  }
  const box = clear(document.getElementById("timeline"));
  if (!view.milestones.length) box.append(h("p", { class: "muted" }, "No milestones yet."));
  else box.append(h("ol", { class: "timeline", "data-testid": "timeline" }, view.milestones.map((m) =>
    h("li", { "data-milestone": m.milestone }, h("strong", {}, m.milestone), m.place ? ` at ${m.place}` : "",
      h("div", { class: "when" }, fmtTime(m.time))))));
}

(async () => {
  const token = decodeURIComponent(location.pathname.split("/").pop());
  let view;
  try {
    const response = await fetch(`/v1/public/tracking/${encodeURIComponent(token)}`);
    if (!response.ok) throw await failure(response);
    view = await response.json();
  } catch (err) {
    showError(err);
    return;
  }
  document.getElementById("view").hidden = false;
  render(view);
  try {
    await drawRouteMap(document.getElementById("map"), view.places, view.current);
  } catch (err) {
    showError(err);
  }
})();
