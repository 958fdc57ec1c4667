// Times for people: an instant in a place's own local time with its offset, text whose ISO
// instants are rewritten that way, and ages ("3 h 10 min ago"). Uses the browser's IANA zones.
"use strict";

const INSTANT = /\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})\b/g;

// "2026-12-23T11:23:00+00:00" in "Europe/Luxembourg" -> "2026-12-23 12:23 (+01:00)".
function fmtInstant(iso, timeZone) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  if (!timeZone) return fmtTime(date.toISOString().replace(/\.\d{3}Z$/, "Z"));
  const parts = {};
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23", timeZoneName: "longOffset",
  });
  for (const p of format.formatToParts(date)) parts[p.type] = p.value;
  const offset = (parts.timeZoneName || "GMT").replace("GMT", "") || "UTC";
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${offset})`;
}

// Every ISO instant inside a sentence, shown in `timeZone` (or as labelled UTC without one).
function localizeText(text, timeZone) {
  return String(text || "").replace(INSTANT, (match) => fmtInstant(match, timeZone));
}

// How long ago an instant was, relative to `now` (a Date; default the browser's clock).
function fmtAge(iso, now) {
  if (!iso) return "—";
  const minutes = Math.round(((now || new Date()).getTime() - new Date(iso).getTime()) / 60000);
  if (minutes < 0) return `in ${fmtMinutes(-minutes)}`;
  if (minutes < 1) return "just now";
  return `${fmtMinutes(minutes)} ago`;
}
