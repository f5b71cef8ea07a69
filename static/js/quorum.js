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

/* Infinite scroll that survives Back. htmx appends the next page of a feed when its
 * "More posts" link scrolls into view; the browser's Back would then reload only the
 * first page and lose the place. So each history entry remembers how many pages were
 * appended and which card was at the top of the screen; coming back, the same pages are
 * fetched again (by following the same "More" links) and that card is put back where
 * it was. Without JavaScript "More posts" is a plain link and Back works natively. */
(function () {
  "use strict";

  var KEY = "quorumFeed";

  function feed() {
    return document.getElementById("feed");
  }

  function moreLink() {
    var list = feed();
    return list && list.querySelector(".feed__more a[hx-get]");
  }

  function remembered() {
    var state = history.state;
    return state && state[KEY] && state[KEY].pages > 0 ? state[KEY] : null;
  }

  function remember(change) {
    var state = Object.assign({}, history.state || {});
    state[KEY] = Object.assign({ pages: 0 }, state[KEY] || {}, change);
    try {
      history.replaceState(state, "");
    } catch (error) {
      /* browsers limit how often history can change: the next call will do */
    }
  }

  /* The first card whose title is on screen, and how far it is from the top. */
  function anchor() {
    var titles = feed() ? feed().querySelectorAll(".post-card__title") : [];
    for (var index = 0; index < titles.length; index++) {
      var top = titles[index].getBoundingClientRect().top;
      if (top >= 0) return { id: titles[index].id, top: top, y: window.scrollY };
    }
    return { id: null, top: 0, y: window.scrollY };
  }

  function putBack(place) {
    var title = place.id && document.getElementById(place.id);
    if (title) {
      window.scrollTo(0, window.scrollY + title.getBoundingClientRect().top - place.top);
    } else {
      window.scrollTo(0, place.y || 0);
    }
  }

  function fetchPage(link) {
    return fetch(link.getAttribute("hx-get"), {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    });
  }

  /* Append `count` pages one after the other, then let htmx take over again. */
  function restore(saved) {
    var link = moreLink();
    if (!link || !feed()) return;
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    var loaded = 0;
    function done() {
      if (window.htmx) window.htmx.process(feed());
      remember({ pages: loaded });
      putBack(saved.place || {});
    }
    function next() {
      var current = feed().querySelector(".feed__more");
      var pending = current && current.querySelector("a[hx-get]");
      if (loaded >= saved.pages || !pending) return done();
      /* htmx must not load this page too while we do */
      pending.setAttribute("hx-trigger", "click");
      fetchPage(pending)
        .then(function (html) {
          current.insertAdjacentHTML("beforebegin", html);
          current.remove();
          loaded += 1;
          next();
        })
        .catch(function () {
          pending.setAttribute("hx-trigger", "revealed");
          done();
        });
    }
    next();
  }

  /* A page appended by scrolling: count it, and keep the place from now on. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.elt;
    if (!source || !source.closest || !source.closest("#feed .feed__more")) return;
    if (!event.detail.xhr || event.detail.xhr.status !== 200) return;
    var saved = remembered();
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    remember({ pages: (saved ? saved.pages : 0) + 1, place: anchor() });
  });

  var timer = null;
  function keepPlace() {
    if (!remembered()) return;
    remember({ place: anchor() });
  }
  window.addEventListener("scroll", function () {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(keepPlace, 150);
  }, { passive: true });
  window.addEventListener("pagehide", keepPlace);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a[href]")) keepPlace();
  }, true);

  /* Coming back (or reloading): defer scripts run once the HTML is parsed, before
   * htmx starts watching the "More" link, so it cannot fetch the same page twice. */
  var saved = remembered();
  var first = moreLink();
  if (saved && first) {
    first.setAttribute("hx-trigger", "click");
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    restore(saved);
  }
  /* htmx's own history restore (after a search pushed a URL) renders a fresh page too. */
  document.addEventListener("htmx:historyRestore", function () {
    var again = remembered();
    if (again) restore(again);
  });
})();
