// The series form shows only the controls of the chosen pattern (weekly: weekdays; monthly on
// a date: the day; monthly on a weekday: which week and weekday) and of the chosen end (count
// or date). Without this script every control stays visible; the server reads only the
// chosen ones either way.
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) { return; }

  function follow(selectId, attribute) {
    var select = document.getElementById(selectId);
    if (!select) { return; }
    var parts = form.querySelectorAll("[" + attribute + "]");
    function show() {
      parts.forEach(function (part) {
        part.hidden = part.getAttribute(attribute) !== select.value;
      });
    }
    select.addEventListener("change", show);
    show();
  }

  follow("pattern", "data-pattern");
  follow("ends", "data-ends");
})();
