// Copy buttons (data-copy="<id of a read-only field>"), shown only when script runs: without
// script the field itself stays selectable. No inline handlers (CSP).
// The clipboard API needs a secure context (https or localhost); elsewhere, or when the browser
// refuses, the field's text is selected so Ctrl+C / long-press copies it, and the status says so.
function selectField(field) {
  field.focus();
  field.select();
  field.setSelectionRange(0, field.value.length);
}

function announce(button, text) {
  const status = document.getElementById(button.dataset.copyStatus);
  if (status) {
    status.textContent = text;
  }
}

async function copyField(button) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) {
    return;
  }
  try {
    if (!navigator.clipboard || !window.isSecureContext) {
      throw new Error("no clipboard");
    }
    await navigator.clipboard.writeText(field.value);
    announce(button, button.dataset.copied);
  } catch (error) {
    selectField(field);
    announce(button, button.dataset.selected);
  }
}

document.querySelectorAll("[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => copyField(button));
});
