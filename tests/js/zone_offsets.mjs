// Reads {"ics": text, "tzid": id, "locals": ["YYYY-MM-DDTHH:MM:SS", ...]} from stdin. Prints
// the UTC instant that ical.js derives, through the calendar's VTIMEZONE, for each wall time in
// that zone (how it reads a DTSTART with TZID).
// (Not UTC to local: ical.js converts that direction by looking up the offset of the UTC
// time as if it were a wall time, which is off around every change in its own right.)
import ICAL from "ical.js";
import { readRequest } from "./request.mjs";

const { request } = await readRequest();
const zone = ICAL.TimezoneService.get(request.tzid);
const utc = request.locals.map((text) => {
  const time = ICAL.Time.fromDateTimeString(text);
  time.zone = zone;
  return time.toJSDate().toISOString();
});
console.log(JSON.stringify({ utc }));
