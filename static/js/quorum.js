/* Site-wide behaviour on top of htmx. htmx does not swap error responses, so without
 * this a failed vote or reply would do nothing visible: say what happened instead. */
(function () {
  "use strict";

  function region() {
    return document.getElementById("request-problem");
  }

  function show(message) {
    var box = region();
    if (!box || !message) return;
    box.querySelector("p").textContent = message;
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var box = region();
    if (!box) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var key = { 400: "expired", 403: "forbidden", 404: "missing", 429: "limited" }[status];
    show(box.dataset[key] || box.dataset.failed);
  });

  document.addEventListener("htmx:sendError", function () {
    var box = region();
    if (box) show(box.dataset.offline);
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var box = region();
    if (box) box.hidden = true;
  });
})();
