// What the test scripts share: the JSON request on stdin, and its "ics" parsed by ical.js
// with every VTIMEZONE registered (so TZIDs resolve through the calendar's own definitions).
import ICAL from "ical.js";

export async function readRequest() {
  let input = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) input += chunk;
  const request = JSON.parse(input);
  const calendar = new ICAL.Component(ICAL.parse(request.ics));
  for (const component of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(component);
  }
  return { request, calendar };
}
