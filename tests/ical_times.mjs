// Reads an .ics on stdin the way ical.js (Thunderbird, many web calendars) does and prints
// each VEVENT's start and end as UTC ISO strings, as JSON. Used by tests/test_events_calendar.py.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));

// An event's TZID only means something once its VTIMEZONE is registered, as apps do.
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}

const utc = (time) => time.toJSDate().toISOString();
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return { uid: event.uid, start: utc(event.startDate), end: utc(event.endDate) };
});
process.stdout.write(JSON.stringify(events));
