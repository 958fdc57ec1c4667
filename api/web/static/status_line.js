// The plain-language status line of a consignment, shared by /track and the public page /s/{token}.
// A page puts it in #status-line; disruption sentences (flight cancelled, rebooked, new ETA) have
// their own slot, #notices, right below it.
"use strict";

const STATUS_WORDS = {
  BOOKED: "is booked and waiting for pick-up",
  PICKED_UP: "has been picked up",
  DEPARTED: "is on its way",
  ARRIVED: "has arrived at a stop on its route",
  DELIVERED: "has been delivered",
  EXCEPTION: "has a problem reported",
};

// One sentence: where the consignment is, what happens next, and whether it is on time.
// `pieces`: the part of the pieces the status is about as the API words it ("5 of 10 pieces", a
// split air cargo status), null when it is about all of them.
function statusSentence(v) {
  const where = v.place ? ` (${v.place})` : "";
  const part = v.pieces ? ` — ${v.pieces}` : "";
  if (v.delivered_at) {
    const late = v.minutes_late !== null && v.minutes_late !== undefined && v.minutes_late > 0;
    return `Delivered${v.destination ? ` to ${v.destination}` : ""} at ${v.delivered_shown}${part}` +
      (late ? `, ${fmtMinutes(v.minutes_late)} after it was due.` : ", on time.");
  }
  let text;
  if (!v.status) {
    text = v.booked ? "Booked; nothing has been reported yet." : "Not booked on a transport yet.";
  } else {
    text = `Your consignment ${STATUS_WORDS[v.status] || `is ${v.status.toLowerCase()}`}${where}${part}.`;
  }
  if (v.eta_shown) {
    text += v.minutes_late > 0
      ? ` Expected ${v.eta_shown}, ${fmtMinutes(v.minutes_late)} after it is due.`
      : ` Expected ${v.eta_shown}, on time.`;
  } else if (v.eta_unknown_reason) {
    text += ` No arrival estimate yet: ${v.eta_unknown_reason}.`;
  }
  return text;
}
