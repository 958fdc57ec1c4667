// Sign-in page: check the key with /v1/me, keep it in sessionStorage, list the role's pages.
"use strict";

const DESCRIPTIONS = {
  track: "Track consignments: milestones, ETA against due, exceptions and the route map.",
  plans: "Request a plan, watch it run, inspect and accept it; the inbox of exceptions and replans; amend or cancel shipments.",
  reports: "Pick a report and filters, preview its table and chart, download CSV / XLSX / Parquet.",
};

async function showPages() {
  let me;
  try {
    me = await api("/v1/me");
  } catch (err) {
    Auth.clear();
    renderNav(null);
    showError(err);
    return;
  }
  renderNav(me);
  const next = new URLSearchParams(location.search).get("next");
  if (next && next.startsWith("/") && me.pages.includes(next.slice(1).split(/[?#]/)[0])) {
    location.replace(next);
    return;
  }
  document.getElementById("signin-card").hidden = true;
  document.getElementById("pages-card").hidden = false;
  document.getElementById("welcome").textContent =
    `Signed in as ${me.role}${me.shipper_id ? " for shipper " + me.shipper_id : ""}`;
  const list = clear(document.getElementById("page-links"));
  for (const page of me.pages) {
    list.append(h("li", {}, h("a", { href: `/${page}` }, PAGE_TITLES[page]), " — ", DESCRIPTIONS[page]));
  }
  if (!me.pages.length) list.append(h("li", {}, `A ${me.role} key has no web pages; it is for the API only.`));
}

document.getElementById("signin").addEventListener("submit", (event) => {
  event.preventDefault();
  clearMessages();
  Auth.set(document.getElementById("key").value);
  showPages();
});

adoptKeyFromUrl();
if (Auth.key()) showPages(); else renderNav(null);
