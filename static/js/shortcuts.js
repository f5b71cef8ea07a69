/* Keyboard shortcuts (with JavaScript only; every action stays a link or a button):
   j / k  the next / previous post (or comment, on a post's page)
   a / z  upvote / downvote it
   r      reply: the comment's Reply link, else the post's comment box
   ?      the list of shortcuts (templates/_shortcuts.html), where they can be turned off.
   Keys typed in a text field, or with Ctrl, Alt or Meta, are never taken. The choice to
   turn them off is kept in this browser (localStorage). */
(function () {
  "use strict";
  var STORAGE_KEY = "quorum:shortcuts";
  var ITEMS = "main .post-card > article, main article.post, main .comment > article";
  var current = null;

  function enabled() {
    try { return window.localStorage.getItem(STORAGE_KEY) !== "off"; } catch (e) { return true; }
  }

  function setEnabled(on) {
    try {
      if (on) { window.localStorage.removeItem(STORAGE_KEY); } else { window.localStorage.setItem(STORAGE_KEY, "off"); }
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  function typing(target) {
    if (!target || !target.closest) { return false; }
    return Boolean(target.closest("input, textarea, select, [contenteditable], [contenteditable='true'], .ql-editor"));
  }

  function items() {
    return Array.prototype.filter.call(document.querySelectorAll(ITEMS), function (item) {
      return item.offsetParent !== null;  // skip hidden ones (collapsed threads)
    });
  }

  function select(item) {
    if (!item) { return; }
    if (current) { current.classList.remove("is-current"); }
    current = item;
    item.classList.add("is-current");
    if (!item.hasAttribute("tabindex")) { item.setAttribute("tabindex", "-1"); }
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var index = list.indexOf(current);
    if (index === -1) { select(list[step > 0 ? 0 : list.length - 1]); return; }
    select(list[Math.min(list.length - 1, Math.max(0, index + step))]);
  }

  function itemInFocus() {
    if (current && document.contains(current)) { return current; }
    var focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(ITEMS) : null;
    return focused || items()[0] || null;
  }

  function vote(direction) {
    var item = itemInFocus();
    var button = item && item.querySelector(".vote__button--" + direction);
    if (button) { button.click(); }
  }

  function reply() {
    var item = itemInFocus();
    var link = item && item.querySelector(".comment__reply");
    if (link) { link.click(); return; }
    // The editor when it is there (it hides its textarea), else the plain textarea.
    var box = document.querySelector("#comment-form-slot .ql-editor") ||
      document.querySelector("#comment-form-slot textarea");
    if (box) { box.focus(); box.scrollIntoView({ block: "center" }); return; }
    var comments = item && item.querySelector('a[href$="#comments-heading"]');
    if (comments) { comments.click(); }
  }

  function openHelp() {
    var dialog = document.getElementById("shortcuts-dialog");
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) { dialog.showModal(); }
  }

  var KEYS = {
    j: function () { move(1); },
    k: function () { move(-1); },
    a: function () { vote("up"); },
    z: function () { vote("down"); },
    r: reply,
    "?": openHelp
  };

  // A layout without Latin letters (Persian: the j key types ت) finds the same keys by
  // their place on the keyboard; "?" is Shift and the slash key there too ("؟").
  var BY_PLACE = { KeyJ: "j", KeyK: "k", KeyA: "a", KeyZ: "z", KeyR: "r" };

  function keyOf(event) {
    if (KEYS[event.key]) { return event.key; }
    if (event.code === "Slash" && event.shiftKey) { return "?"; }
    return /^[a-z]$/i.test(event.key) ? null : BY_PLACE[event.code] || null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target) || !enabled()) { return; }
    if (document.querySelector("dialog[open]")) { return; }
    var action = KEYS[keyOf(event)];
    if (!action) { return; }
    event.preventDefault();
    action();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var opener = document.getElementById("shortcuts-open");
    var dialog = document.getElementById("shortcuts-dialog");
    if (!opener || !dialog) { return; }
    opener.hidden = false;  // a button that needs JavaScript appears only with it
    opener.addEventListener("click", function () { dialog.showModal(); });
    var toggle = document.getElementById("shortcuts-enabled");
    toggle.checked = enabled();
    toggle.addEventListener("change", function () { setEnabled(toggle.checked); });
  });
})();
