// Parses iCalendar text from stdin with ical.js (the parser behind many web calendars) and
// prints what it understood as JSON, so the Python tests can compare it with what we meant.
import ICAL from "ical.js";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

const calendar = new ICAL.Component(ICAL.parse(input));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const recurrence = vevent.getFirstPropertyValue("recurrence-id");
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    start_utc: event.startDate.toJSDate().toISOString(),
    recurrence_id_utc: recurrence ? recurrence.toJSDate().toISOString() : null,
    rrule: vevent.getFirstPropertyValue("rrule")?.toString() ?? null,
  };
});
console.log(JSON.stringify({ method: calendar.getFirstPropertyValue("method"), events }));
