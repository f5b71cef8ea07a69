// The API tokens page: a new token's secret gets a "Copy" button (without JavaScript
// the read-only field is there to select), and focusing the field selects all of it.
(function () {
  "use strict";

  function say(button, message) {
    const status = button.parentElement.querySelector("[aria-live]");
    if (status) status.textContent = message;
  }

  async function copy(field) {
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(field.value);
        return true;
      } catch (error) {
        // Refused (no permission, the page not focused): try the older way below.
      }
    }
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("[data-select-on-focus]").forEach((field) => {
    field.addEventListener("focus", () => field.select());
  });

  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const copied = await copy(field);
      say(button, copied ? button.dataset.copied : button.dataset.copyFailed);
      button.focus();
    });
  });
})();
