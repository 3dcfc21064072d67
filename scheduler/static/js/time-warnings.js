// Warns while a meeting's time is typed: holidays, weekends and make-up working days on
// either side, and participants outside their working hours. The server does the checking
// (the same code as the slot finder and the series preview); this only asks and shows.
(function () {
  "use strict";
  const form = document.getElementById("meeting-form");
  const box = document.getElementById("time-warnings");
  if (!form || !box || !form.dataset.warningsUrl) { return; }
  const list = document.getElementById("time-warnings-list");
  const names = ["timezone", "start_local", "end_local", "participants"];
  let timer = null;
  let asked = 0;

  function query() {
    const url = new URL(form.dataset.warningsUrl, window.location.href);
    names.forEach((name) => {
      const field = form.elements.namedItem(name);
      if (!field) { return; }
      if (field.multiple) {
        Array.from(field.selectedOptions).forEach((o) => url.searchParams.append("people", o.value));
      } else {
        url.searchParams.set(name, field.value);
      }
    });
    return url;
  }

  function show(warnings) {
    list.replaceChildren(...warnings.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    box.classList.toggle("d-none", warnings.length === 0);
  }

  async function check() {
    const mine = ++asked;
    try {
      const response = await fetch(query(), { headers: { Accept: "application/json" } });
      if (mine !== asked) { return; }  // a later question is on its way
      // 400 means the time is not complete yet; the form explains on submit.
      show(response.ok ? (await response.json()).warnings : []);
    } catch (error) {
      show([]);
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  names.forEach((name) => {
    const field = form.elements.namedItem(name);
    if (field) {
      field.addEventListener("input", soon);
      field.addEventListener("change", soon);
    }
  });
  check();
})();
