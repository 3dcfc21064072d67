// The navigation menus are <details> elements, usable without script. This only adds what a menu
// is expected to do: close on Escape (focus back on its button), on a click elsewhere, and when
// another menu opens.
const menus = Array.from(document.querySelectorAll("details.nav-menu"));

function closeAll(except) {
  menus.forEach((menu) => {
    if (menu !== except) menu.open = false;
  });
}

menus.forEach((menu) => {
  menu.addEventListener("toggle", () => {
    if (menu.open) closeAll(menu);
  });
});

document.addEventListener("click", (event) => {
  if (!menus.some((menu) => menu.contains(event.target))) closeAll(null);
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = menus.find((menu) => menu.open);
  if (open) {
    open.open = false;
    open.querySelector("summary").focus();
  }
});
