/* Tell the server the browser's time zone (a cookie), so that guests and people who
 * chose "automatic" see times in their own zone from the next page on. */
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    var value = encodeURIComponent(zone);
    var current = document.cookie.split("; ").filter(function (part) {
      return part.indexOf("tz=") === 0;
    })[0];
    if (current !== "tz=" + value) {
      document.cookie = "tz=" + value + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (error) {
    /* No Intl support: the server keeps using UTC. */
  }
})();
