// Public tracking page of a share link: no key; milestones, ETA against due, city-level places.
"use strict";

function publicBadge(view) {
  if (view.on_time === null) return h("span", { class: "badge warn" }, "ETA unknown");
  const done = view.delivered_at ? "delivered" : "expected";
  return view.on_time
    ? h("span", { class: "badge ok" }, `${done} on time`)
    : h("span", { class: "badge late" }, `${done} late`);
}

function render(view) {
  clear(document.getElementById("summary")).append(
    h("div", { class: "hero" },
      h("span", { class: "big", "data-testid": "shipment-title" }, view.shipment_id),
      h("span", {}, `${view.origin || "?"} → ${view.destination || "?"}`),
      h("span", {}, "Status: ", h("strong", { "data-testid": "status" }, view.status || "not started"))),
    h("div", { class: "hero" },
      h("span", {}, view.delivered_at ? "Delivered: " : "ETA: ",
        h("strong", { "data-testid": "eta" }, fmtTime(view.delivered_at || view.eta))),
      h("span", {}, "Due: ", h("strong", {}, fmtTime(view.due_at))),
      publicBadge(view)),
    view.current
      ? h("p", { "data-testid": "current-place" }, `Now near ${view.current.name} (${fmtTime(view.current.time)})`)
      : h("p", { class: "muted" }, "Not moving yet."));
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
