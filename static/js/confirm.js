// Destructive actions ask first. Their links (a[data-confirm]) lead to a confirmation
// page that works without JavaScript; with it, the same form opens in a native <dialog>:
// focus moves into it, Escape or Cancel closes it, and focus returns to the link.
(function () {
  "use strict";

  function dialogElement() {
    let dialog = document.getElementById("confirm-dialog");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "confirm-dialog";
      dialog.className = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-title");
      document.body.appendChild(dialog);
    }
    return dialog;
  }

  async function ask(link) {
    let response;
    try {
      response = await fetch(link.href, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
    } catch (error) {
      window.location.assign(link.href);
      return;
    }
    if (!response.ok) {
      window.location.assign(link.href); // the page explains (signed out, gone, ...)
      return;
    }
    const dialog = dialogElement();
    // The server's own escaped fragment: the question, a preview and the form.
    dialog.innerHTML = await response.text();
    dialog.addEventListener("close", () => link.focus(), { once: true });
    dialog.showModal();
    // A reason to type, else the least destructive choice (Cancel), has the focus.
    const first = dialog.querySelector("textarea") || dialog.querySelector("[data-dialog-close]");
    if (first) first.focus();
  }

  document.addEventListener("click", (event) => {
    const close = event.target.closest("#confirm-dialog [data-dialog-close]");
    if (close) {
      event.preventDefault();
      close.closest("dialog").close();
      return;
    }
    const link = event.target.closest("a[data-confirm]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (typeof HTMLDialogElement === "undefined") return; // the page will ask instead
    event.preventDefault();
    ask(link);
  });
})();
