// Reads {"ics": text, "tzid": id, "locals": ["YYYY-MM-DDTHH:MM:SS", ...], "expand_until":
// ISO|null} from stdin. Prints the UTC instant that ical.js derives, through the calendar's
// VTIMEZONE, for each wall time in that zone (how it reads a DTSTART with TZID), and the UTC
// starts of every VEVENT's occurrences up to expand_until.
import ICAL from "ical.js";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);

const calendar = new ICAL.Component(ICAL.parse(request.ics));
for (const component of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(component);
}
const zone = ICAL.TimezoneService.get(request.tzid);

// (Not UTC to local: ical.js converts that direction by looking up the offset of the UTC
// time as if it were a wall time, which is off around every change in its own right.)
const utc = request.locals.map((text) => {
  const time = ICAL.Time.fromDateTimeString(text);
  time.zone = zone;
  return time.toJSDate().toISOString();
});

const occurrences = [];
if (request.expand_until) {
  const until = ICAL.Time.fromJSDate(new Date(request.expand_until), true);
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    if (event.isRecurrenceException()) continue;
    const iterator = event.iterator();
    for (let next = iterator.next(); next && next.compare(until) < 0; next = iterator.next()) {
      occurrences.push(next.toJSDate().toISOString());
    }
  }
}
console.log(JSON.stringify({ utc, occurrences }));
