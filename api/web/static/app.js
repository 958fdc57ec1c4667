// Shared by every page: the API key in sessionStorage, API calls with problem+json errors,
// navigation by role, small DOM and formatting helpers. No framework, no build step.
"use strict";

const KEY_STORAGE = "logistics.apiKey";
const SVG_NS = "http://www.w3.org/2000/svg";

const Auth = {
  key() { return sessionStorage.getItem(KEY_STORAGE); },
  set(key) { sessionStorage.setItem(KEY_STORAGE, key.trim()); },
  clear() { sessionStorage.removeItem(KEY_STORAGE); },
};

class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title || `HTTP ${status}`;
    this.detail = detail || "";
  }
}

function authHeaders(extra) {
  const headers = Object.assign({}, extra || {});
  const key = Auth.key();
  if (key) headers.Authorization = `Bearer ${key}`;
  return headers;
}

async function failure(response) {
  let title = response.statusText, detail = "";
  try {
    const body = await response.json();
    title = body.title || title;
    detail = body.detail || "";
    if (Array.isArray(body.errors) && body.errors.length) {  // say which field and why, on the page
      const listed = body.errors.map((e) => [e.field, e.reason].filter(Boolean).join(": ")).join("; ");
      detail = `${detail.replace(/; see `errors`$/, "")} — ${listed}`;
    }
  } catch (_) { /* not JSON */ }
  return new ApiError(response.status, title, detail);
}

// Fetch a JSON endpoint; a problem document becomes an ApiError carrying its title and detail.
async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = authHeaders(opts.headers);
  if (opts.json !== undefined) {
    opts.body = JSON.stringify(opts.json);
    opts.headers["Content-Type"] = "application/json";
    delete opts.json;
  }
  const response = await fetch(path, opts);
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  return response.json();
}

// Fetch a file (report export, chart) with the key; returns {blob, filename}.
async function apiBlob(path) {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  return { blob: await response.blob(), filename: match ? match[1] : "download" };
}

// Every item of a paginated list endpoint.
async function apiAll(path) {
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let offset = 0; ; offset += 1000) {
    const page = await api(`${path}${sep}limit=1000&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// "2026-11-29T09:00:00+08:00" -> "2026-11-29 09:00 (+08:00)": the place's own local time, as sent.
function fmtTime(iso) {
  if (!iso) return "—";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(iso);
  if (!m) return iso;
  const zone = !m[3] || m[3] === "Z" || m[3] === "+00:00" ? "UTC" : m[3];
  return `${m[1]} ${m[2]} (${zone})`;
}

// An instant (any ISO form) in an IANA time zone: "2026-11-29 09:00 (+08:00)"; UTC if no zone.
function fmtInstant(iso, timeZone) {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  if (!timeZone) return fmtTime(new Date(t).toISOString().replace(/\.\d+Z$/, "Z"));
  const parts = {};
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23", timeZoneName: "longOffset",
  });
  for (const part of format.formatToParts(new Date(t))) parts[part.type] = part.value;
  const offset = (parts.timeZoneName || "GMT").replace("GMT", "") || "+00:00";
  const zone = offset === "+00:00" ? "UTC" : offset;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${zone})`;
}

// Location id -> IANA time zone, read once per page from /v1/locations.
let zonesPromise = null;
function locationZones() {
  if (!zonesPromise) {
    zonesPromise = apiAll("/v1/locations").then((items) => Object.fromEntries(items.map((l) => [l.id, l.timezone])));
  }
  return zonesPromise;
}

function fmtNumber(value, digits) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 1 : digits });
}

function fmtMinutes(minutes) {
  const sign = minutes < 0 ? "-" : "";
  const m = Math.abs(minutes);
  const d = Math.floor(m / 1440), hh = Math.floor((m % 1440) / 60), mm = m % 60;
  return sign + (d ? `${d} d ` : "") + (d || hh ? `${hh} h ` : "") + `${mm} min`;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

// Show an error to the user in the page's message area (or a given element).
function showError(err, where) {
  const box = where || document.getElementById("messages");
  const text = err instanceof ApiError ? `${err.title}: ${err.detail || err.message}` : String(err.message || err);
  clear(box).append(h("div", { class: "error", role: "alert" }, text));
}

function showInfo(text, where) {
  const box = where || document.getElementById("messages");
  clear(box).append(h("div", { class: "info", role: "status" }, text));
}

function clearMessages() { clear(document.getElementById("messages")); }

const PAGE_TITLES = { track: "Tracking", plans: "Plan board", disruptions: "Disruptions", reports: "Reports" };

function renderNav(me) {
  const nav = clear(document.getElementById("nav"));
  nav.append(h("a", { href: "/", class: "brand" }, "logistics"));
  for (const page of me ? me.pages : []) {
    const here = location.pathname === `/${page}`;
    nav.append(h("a", { href: `/${page}`, class: here ? "here" : null, "data-page": page }, PAGE_TITLES[page]));
  }
  const who = h("span", { class: "who" });
  if (me) {
    who.append(`${me.role}${me.shipper_id ? " · " + me.shipper_id : ""}`,
      h("button", { type: "button", class: "link", onclick: () => { Auth.clear(); location.href = "/"; } }, "Sign out"));
  }
  nav.append(who);
}

// Take a `?key=` from the URL (demo links) into sessionStorage and drop it from the address bar.
function adoptKeyFromUrl() {
  const params = new URLSearchParams(location.search);
  const key = params.get("key");
  if (key) {
    Auth.set(key);
    params.delete("key");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  }
}

// Sign-in check for a page: returns the caller (/v1/me) if the role may open `page`, else null.
async function boot(page) {
  adoptKeyFromUrl();
  if (!Auth.key()) {
    location.replace(`/?next=${encodeURIComponent(location.pathname + location.search)}`);
    return null;
  }
  let me;
  try {
    me = await api("/v1/me");
  } catch (err) {
    renderNav(null);
    if (err.status === 401) {
      Auth.clear();
      location.replace(`/?next=${encodeURIComponent(location.pathname + location.search)}`);
      return null;
    }
    showError(err);
    return null;
  }
  renderNav(me);
  if (page && !me.pages.includes(page)) {
    showError(new ApiError(403, "Forbidden", `a ${me.role} key may not open this page`));
    return null;
  }
  return me;
}
