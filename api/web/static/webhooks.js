// Notifications on the tracking page: the caller's webhook subscriptions (list, create, delete,
// send a test ping) and each one's latest deliveries, through /v1/webhooks. The secret is shown
// once, at creation.
"use strict";

const KIND_WORDS = {
  "shipment.milestone": "milestones",
  "shipment.eta_changed": "ETA changes",
  "exception.opened": "exceptions opened",
  "exception.closed": "exceptions closed",
  "webhook.test": "test ping",
};

function describeFilters(sub) {
  const kinds = sub.kinds.length ? sub.kinds.map((k) => KIND_WORDS[k] || k).join(", ") : "all notices";
  const scope = sub.shipment_ids.length ? sub.shipment_ids.join(", ") : "all consignments";
  return `${kinds} · ${scope}`;
}

async function showDeliveries(sub, cell) {
  clear(cell).append(h("span", { class: "muted" }, "loading…"));
  try {
    const { items } = await api(`/v1/webhooks/${encodeURIComponent(sub.id)}/deliveries?limit=10`);
    clear(cell);
    if (!items.length) { cell.append(h("p", { class: "muted" }, "Nothing sent yet.")); return; }
    cell.append(h("table", { "data-testid": "webhook-deliveries" },
      h("thead", {}, h("tr", {}, ["notice", "consignment", "status", "attempts", "answer", "queued"].map((t) => h("th", {}, t)))),
      h("tbody", {}, items.map((d) => h("tr", {},
        h("td", {}, KIND_WORDS[d.kind] || d.kind),
        h("td", {}, d.shipment_id || "—"),
        h("td", {}, h("span", { class: `badge ${d.status === "delivered" ? "ok" : d.status === "failed" ? "late" : "warn"}` }, d.status)),
        h("td", { class: "num" }, d.attempts),
        h("td", {}, d.last_status_code ? `HTTP ${d.last_status_code}` : d.last_error || "—"),
        h("td", {}, fmtInstant(d.created_at, null)))))));
  } catch (err) {
    showError(err, cell);
  }
}

async function loadWebhooks() {
  const box = clear(document.getElementById("webhooks"));
  let items;
  try {
    ({ items } = await api("/v1/webhooks"));
  } catch (err) {
    showError(err, box);
    return;
  }
  if (!items.length) {
    box.append(h("p", { class: "muted", "data-testid": "no-webhooks" }, "No notifications set up."));
    return;
  }
  const rows = [];
  for (const sub of items) {
    const details = h("td", { colspan: 4, class: "deliveries" });
    const detailRow = h("tr", { hidden: true }, details);
    rows.push(h("tr", { "data-webhook": sub.id },
      h("td", { class: "share-url" }, sub.url),
      h("td", {}, describeFilters(sub)),
      h("td", {}, fmtInstant(sub.created_at, null)),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => {
          detailRow.hidden = !detailRow.hidden;
          if (!detailRow.hidden) showDeliveries(sub, details);
        } }, "Deliveries"),
        h("button", { type: "button", class: "secondary", "data-action": "test", onclick: async () => {
          try {
            await api(`/v1/webhooks/${encodeURIComponent(sub.id)}/test`, { method: "POST" });
            showInfo(`Test notice queued for ${sub.url}; see its delivery under Deliveries.`);
            detailRow.hidden = false;
            await showDeliveries(sub, details);
          } catch (err) { showError(err); }
        } }, "Send test"),
        h("button", { type: "button", class: "secondary danger", "data-action": "delete", onclick: async () => {
          if (!confirm(`Stop sending notices to ${sub.url}?`)) return;
          try {
            await api(`/v1/webhooks/${encodeURIComponent(sub.id)}`, { method: "DELETE" });
            showInfo(`Notifications to ${sub.url} stopped.`);
            await loadWebhooks();
          } catch (err) { showError(err); }
        } }, "Delete"))), detailRow);
  }
  box.append(h("div", { class: "hscroll" }, h("table", { "data-testid": "webhooks" },
    h("thead", {}, h("tr", {}, ["URL", "sends", "created", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, rows))));
}

async function createWebhook(event) {
  event.preventDefault();
  const url = document.getElementById("webhook-url").value.trim();
  const kind = document.getElementById("webhook-kind").value;
  const scope = document.getElementById("webhook-scope").value;
  const out = clear(document.getElementById("webhook-secret"));
  try {
    const created = await api("/v1/webhooks", { method: "POST", json: {
      url, kinds: kind ? [kind] : [], shipment_ids: scope ? [scope] : [],
    } });
    out.append(h("div", { class: "info", role: "status", "data-testid": "webhook-created" },
      `Notifications to ${created.url} set up. Signing secret (shown only now, store it): `,
      h("code", { class: "share-url", "data-testid": "webhook-secret" }, created.secret)));
    document.getElementById("webhook-url").value = "";
    await loadWebhooks();
  } catch (err) {
    showError(err, out);
  }
}

// Called by track.js once the consignments are known (they fill the scope choice).
function setUpWebhooks(rows) {
  document.getElementById("webhooks-card").hidden = false;
  const scope = document.getElementById("webhook-scope");
  for (const row of rows) scope.append(h("option", { value: row.id }, row.id));
  document.getElementById("webhook-form").addEventListener("submit", createWebhook);
  loadWebhooks();
}
