// Shows the other side's clock under the start and end fields while a meeting is typed in.
// Times are typed on the clock of the planning zone; Changchun staff see Seoul and vice versa.
(function () {
  "use strict";
  const form = document.getElementById("meeting-form");
  if (!form) { return; }
  const labels = JSON.parse(form.dataset.zoneLabels || "{}");
  const lang = form.dataset.lang === "zh" ? "zh-CN" : form.dataset.lang;
  const zoneInput = form.querySelector("[name=timezone]");

  function offsetMinutes(zone, utcMillis) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(utcMillis));
    const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour, +v.minute, +v.second);
    return (asUtc - utcMillis) / 60000;
  }

  function wallToUtc(value, zone) {
    const [datePart, timePart] = value.split("T");
    const [y, mo, d] = datePart.split("-").map(Number);
    const [h, mi] = timePart.split(":").map(Number);
    const guess = Date.UTC(y, mo - 1, d, h, mi);
    const first = guess - offsetMinutes(zone, guess) * 60000;
    return guess - offsetMinutes(zone, first) * 60000;
  }

  function otherZone(zone) {
    return zone === "Asia/Seoul" ? "Asia/Shanghai" : "Asia/Seoul";
  }

  function show(input) {
    const target = document.getElementById(input.id + "-other");
    const zone = (zoneInput.value || "").trim();
    target.textContent = "";
    if (!input.value || !zone) { return; }
    try {
      const other = otherZone(zone);
      const text = new Intl.DateTimeFormat(lang, {
        timeZone: other, month: "short", day: "numeric", weekday: "short",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).format(new Date(wallToUtc(input.value, zone)));
      target.textContent = "= " + text + " " + (labels[other] || other);
    } catch (error) {
      target.textContent = "";  // an unknown zone: the server explains on submit
    }
  }

  const inputs = ["start_local", "end_local"].map((id) => document.getElementById(id));
  inputs.forEach((input) => {
    input.addEventListener("input", () => show(input));
    show(input);
  });
  zoneInput.addEventListener("input", () => inputs.forEach(show));
})();
