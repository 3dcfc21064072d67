// A table wider than the screen scrolls inside its .table-responsive box; keyboard users can only
// scroll it if the box takes focus (WCAG 2.1.1). Only boxes that actually scroll get a tab stop,
// named after their table's caption where it has one.
function markScrollRegions() {
  document.querySelectorAll(".table-responsive").forEach((box) => {
    if (box.scrollWidth > box.clientWidth) {
      box.tabIndex = 0;
      const caption = box.querySelector("caption");
      if (caption && caption.textContent.trim()) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption.textContent.trim());
      }
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}

let pending = null;
markScrollRegions();
window.addEventListener("resize", () => {
  clearTimeout(pending);
  pending = setTimeout(markScrollRegions, 150);
});
