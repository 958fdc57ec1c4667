// The coordinator's inbox on the plan board: open exceptions and shipments needing a replan,
// filtered by reason, hub, mode and age; selected shipments go to a replan (POST /v1/plans with
// their ids); any shipment can be amended or cancelled (PATCH /v1/shipments/{id}, .../cancel).
// Times are shown in the local time of their place, with the offset. A separate module so the
// plan board can take more panels (e.g. disruptions) beside it.
"use strict";

const Inbox = (() => {
  const REASONS = ["DELAY", "MISSED_CONNECTION", "OFFLOADED", "DAMAGED", "LOST", "CUSTOMS_INSPECTION",
    "DWELL_EXCEEDED", "TRACKING_LOST", "DISCREPANCY", "OTHER"];
  const AGES = [["0", "any age"], ["60", "1 h or more"], ["360", "6 h or more"], ["1440", "1 day or more"], ["4320", "3 days or more"]];
  const AMENDABLE = [
    ["origin", "Origin", "text"], ["destination", "Destination", "text"], ["weight_kg", "Weight (kg)", "number"],
    ["volume_m3", "Volume (m³)", "number"], ["pieces", "Pieces", "number"], ["ready_at", "Ready at (ISO 8601 with offset)", "text"],
    ["due_at", "Due at (ISO 8601 with offset)", "text"], ["requirements", "Requirements (e.g. dg;reefer)", "text"],
  ];
  let options = { onReplan: () => {} };
  let shipments = {};
  let selected = new Set();
  let editing = null;

  const el = (id) => document.getElementById(id);

  function filters() {
    return { reason: el("f-reason").value, hub: el("f-hub").value, mode: el("f-mode").value,
      age: Number(el("f-age").value), replanOnly: el("f-replan").checked };
  }

  function ageMinutes(iso) { return Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000)); }

  function matches(e, f) {
    return (!f.reason || e.reason === f.reason) && (!f.hub || e.location === f.hub) &&
      (!f.mode || e.mode === f.mode) && ageMinutes(e.opened_at) >= f.age;
  }

  // Rows per shipment: its matching open exceptions, whether it needs a replan, and its due time.
  async function fetchRows(f) {
    const query = new URLSearchParams({ state: "open" });
    if (f.reason) query.set("reason", f.reason);
    if (f.hub) query.set("location", f.hub);
    if (f.mode) query.set("mode", f.mode);
    const [open, replan] = await Promise.all([apiAll(`/v1/exceptions?${query}`), apiAll("/v1/needs-replan")]);
    const rows = new Map();
    const row = (id) => {
      if (!rows.has(id)) rows.set(id, { id, needsReplan: false, exceptions: new Map() });
      return rows.get(id);
    };
    for (const e of open) if (matches(e, f)) row(e.shipment_id).exceptions.set(e.id, e);
    const filtered = f.reason || f.hub || f.mode || f.age;
    for (const item of replan) {
      const own = item.exceptions.filter((e) => matches(e, f));
      if (filtered && !own.length) continue;
      const r = row(item.shipment_id);
      r.needsReplan = true;
      for (const e of own) r.exceptions.set(e.id, e);
    }
    return [...rows.values()].filter((r) => !f.replanOnly || r.needsReplan)
      .map((r) => ({ ...r, exceptions: [...r.exceptions.values()].sort((a, b) => a.opened_at.localeCompare(b.opened_at)) }))
      .sort((a, b) => (b.needsReplan - a.needsReplan) || (a.exceptions[0] || {}).opened_at?.localeCompare((b.exceptions[0] || {}).opened_at || "") || a.id.localeCompare(b.id));
  }

  const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

  // The exception's place (a delay has none: its shipment's destination) and that place's zone.
  function zoneOf(e, zones) {
    const ship = shipments[e.shipment_id];
    return zones[e.location] || (ship ? zones[ship.destination] : undefined);
  }

  function exceptionLine(e, zones) {
    const where = [e.location, e.mode].filter(Boolean).join(" · ");
    const zone = zoneOf(e, zones);
    const detail = (e.detail || "").replace(ISO_INSTANT, (iso) => fmtInstant(iso, zone));
    return h("div", { class: "exception", "data-reason": e.reason },
      h("span", { class: "badge late" }, e.reason), " ", where ? h("span", { class: "muted" }, where) : "",
      h("div", { class: "muted when" }, `open since ${fmtInstant(e.opened_at, zone)} · ${fmtMinutes(ageMinutes(e.opened_at))}`),
      detail ? h("div", {}, detail) : "");
  }

  function renderRows(rows, zones) {
    const box = clear(el("inbox-list"));
    el("inbox-count").textContent = `${rows.length} shipment(s)`;
    selected = new Set([...selected].filter((id) => rows.some((r) => r.id === id)));
    updateReplanButton();
    if (!rows.length) {
      box.append(h("p", { class: "muted", "data-testid": "inbox-empty" }, "Nothing needs attention for these filters."));
      return;
    }
    box.append(h("table", { "data-testid": "inbox" },
      h("thead", {}, h("tr", {}, ["", "shipment", "why", "due", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.map((r) => {
        const ship = shipments[r.id];
        return h("tr", { "data-id": r.id },
          h("td", {}, h("input", { type: "checkbox", "aria-label": `select ${r.id}`, checked: selected.has(r.id),
            onchange: (ev) => { if (ev.target.checked) selected.add(r.id); else selected.delete(r.id); updateReplanButton(); } })),
          h("td", {}, h("a", { href: `/track?shipment=${encodeURIComponent(r.id)}` }, r.id),
            r.needsReplan ? h("div", {}, h("span", { class: "badge warn", "data-testid": "needs-replan" }, "needs a replan")) : ""),
          h("td", {}, r.exceptions.length ? r.exceptions.map((e) => exceptionLine(e, zones)) : h("span", { class: "muted" }, "no open exception")),
          h("td", { class: "nowrap" }, ship ? fmtTime(ship.due_at) : "—"),
          h("td", { class: "actions" },
            h("button", { type: "button", class: "secondary", "data-action": "amend", onclick: () => openDialog(r.id, "amend") }, "Amend…"),
            h("button", { type: "button", class: "secondary", "data-action": "cancel", onclick: () => openDialog(r.id, "cancel") }, "Cancel…")));
      }))));
  }

  function updateReplanButton() {
    const button = el("replan-selected");
    button.disabled = selected.size === 0;
    button.textContent = selected.size ? `Replan selected (${selected.size})` : "Replan selected";
  }

  let loads = 0;

  // Loads overlap when filters change quickly: only the latest one is drawn. The list carries the
  // filters it shows (data-shown) so a reader, or a test, knows the drawing is current.
  async function load() {
    const status = el("inbox-count");
    const mine = ++loads;
    const f = filters();
    try {
      const [zones, all] = await Promise.all([locationZones(), apiAll("/v1/shipments")]);
      const rows = await fetchRows(f);
      if (mine !== loads) return;
      shipments = Object.fromEntries(all.map((x) => [x.id, x]));
      fillHubs(zones);
      renderRows(rows, zones);
      el("inbox-list").dataset.shown = [f.reason, f.hub, f.mode, f.age, f.replanOnly].join("|");
    } catch (err) {
      status.textContent = "";
      showError(err);
    }
  }

  function fillHubs(zones) {
    const select = el("f-hub");
    if (select.options.length > 1) return;
    for (const id of Object.keys(zones).sort()) select.append(h("option", { value: id }, id));
  }

  async function replanSelected() {
    clearMessages();
    const body = {
      objective: el("objective").value,
      time_limit_s: Number(el("time-limit").value),
      shipment_ids: [...selected].sort(),
    };
    try {
      const job = await api("/v1/plans", { method: "POST", json: body });
      showInfo(`Replan ${job.id} requested for ${body.shipment_ids.length} shipment(s): ${body.shipment_ids.join(", ")}.`);
      selected.clear();
      updateReplanButton();
      options.onReplan(job);
    } catch (err) {
      showError(err);
    }
  }

  // The amend / cancel dialog for one shipment.
  async function openDialog(id, mode) {
    clearMessages();
    const dialog = el("shipment-dialog");
    let ship;
    try {
      ship = await api(`/v1/shipments/${encodeURIComponent(id)}`);
    } catch (err) {
      showError(err);
      return;
    }
    editing = { ship, mode };
    el("dialog-title").textContent = mode === "cancel" ? `Cancel shipment ${id}` : `Amend shipment ${id}`;
    const fields = clear(el("dialog-fields"));
    if (mode === "amend") {
      for (const [name, label, type] of AMENDABLE) {
        const value = name === "requirements" ? ship.requirements.join(";") : ship[name];
        fields.append(h("label", {}, label, h("input", { name, type, step: type === "number" ? "any" : null, value: String(value) })));
      }
    }
    fields.append(h("label", {}, mode === "cancel" ? "Reason (required)" : "Reason (kept with the change)",
      h("input", { name: "reason", type: "text", required: mode === "cancel" })));
    clear(el("dialog-messages"));
    el("dialog-submit").textContent = mode === "cancel" ? "Cancel shipment" : "Save changes";
    dialog.showModal();
  }

  function changedFields(form) {
    const out = {};
    for (const [name, , type] of AMENDABLE) {
      const input = form.elements[name];
      const before = name === "requirements" ? editing.ship.requirements.join(";") : String(editing.ship[name]);
      if (input.value.trim() !== before) out[name] = type === "number" && input.value.trim() !== "" && !Number.isNaN(Number(input.value)) ? Number(input.value) : input.value.trim();
    }
    return out;
  }

  async function submitDialog(event) {
    event.preventDefault();
    const form = el("dialog-form");
    const messages = el("dialog-messages");
    const reason = form.elements.reason.value.trim();
    const id = editing.ship.id;
    try {
      let answer;
      if (editing.mode === "cancel") {
        answer = await api(`/v1/shipments/${encodeURIComponent(id)}/cancel`, { method: "POST", json: { reason } });
      } else {
        const changes = changedFields(form);
        if (!Object.keys(changes).length) { showInfo("Nothing changed.", messages); return; }
        answer = await api(`/v1/shipments/${encodeURIComponent(id)}`, { method: "PATCH", json: { ...changes, reason } });
      }
      el("shipment-dialog").close();
      showInfo(`Shipment ${id} ${answer.cancelled ? "cancelled" : "amended"}: ${answer.note}.`);
      load();
    } catch (err) {
      showError(err, messages);
    }
  }

  function mount(opts) {
    options = Object.assign(options, opts || {});
    const reason = el("f-reason");
    for (const r of REASONS) reason.append(h("option", { value: r }, r.toLowerCase().replaceAll("_", " ")));
    const age = el("f-age");
    for (const [value, label] of AGES) age.append(h("option", { value }, label));
    el("inbox-filters").addEventListener("change", load);
    el("inbox-filters").addEventListener("submit", (ev) => ev.preventDefault());
    el("replan-selected").addEventListener("click", replanSelected);
    el("find-shipment").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const id = el("find-id").value.trim();
      if (id) openDialog(id, ev.submitter && ev.submitter.dataset.action === "cancel" ? "cancel" : "amend");
    });
    el("dialog-form").addEventListener("submit", submitDialog);
    el("dialog-close").addEventListener("click", () => el("shipment-dialog").close());
    load();
  }

  return { mount, load };
})();
