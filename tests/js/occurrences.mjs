// Reads {"ics": text, "until": ISO} from stdin and prints the UTC start of every occurrence
// ical.js finds before `until`: masters expanded with their RECURRENCE-ID exceptions applied,
// single events as they are, sorted. How a calendar client built on ical.js shows the file.
import ICAL from "ical.js";
import { readRequest } from "./request.mjs";

const { request, calendar } = await readRequest();
const until = ICAL.Time.fromJSDate(new Date(request.until), true);
const masters = new Map();
const exceptions = [];
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  if (event.isRecurrenceException()) exceptions.push(event);
  else masters.set(event.uid, event);
}
const starts = [];
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (master) master.relateException(exception);
  else starts.push(exception.startDate.toJSDate().toISOString());
}
for (const master of masters.values()) {
  if (!master.isRecurring()) {
    starts.push(master.startDate.toJSDate().toISOString());
    continue;
  }
  const iterator = master.iterator();
  for (let next = iterator.next(); next && next.compare(until) < 0; next = iterator.next()) {
    starts.push(master.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
  }
}
console.log(JSON.stringify({ starts: starts.sort() }));
