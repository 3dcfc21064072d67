// Buttons marked data-print open the browser's print dialog (no inline handlers: CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
