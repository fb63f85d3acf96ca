// Reporting (issue 20 point 6): a part of the page marked data-poll-url is fetched again every
// 2 s while the server marks it data-poll-busy="true", and replaced when it changed. The server
// renders the same template for the page and the poll, so the page works without this script
// (and is right after a reload). The [data-poll-live] status line is kept as the same element and
// only its text changes, so screen readers announce the new count once. No inline script (CSP).
(function () {
  "use strict";

  function watch(root) {
    var url = root.getAttribute("data-poll-url");
    var last = null;

    function busy() {
      var marker = root.querySelector("[data-poll-busy]");
      return marker !== null && marker.getAttribute("data-poll-busy") === "true";
    }

    function update(html) {
      if (html === last) { return; }
      last = html;
      var fresh = document.createElement("div");
      fresh.innerHTML = html; // same-origin HTML from our own template; scripts never run here
      var live = root.querySelector("[data-poll-live]");
      var freshLive = fresh.querySelector("[data-poll-live]");
      if (live && freshLive) {
        if (live.textContent !== freshLive.textContent) { live.textContent = freshLive.textContent; }
        freshLive.replaceWith(live);
      }
      root.replaceChildren.apply(root, Array.prototype.slice.call(fresh.childNodes));
    }

    function poll() {
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { window.setTimeout(poll, 10000); return; }
          update(html);
          if (busy()) { window.setTimeout(poll, 2000); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    if (busy()) { window.setTimeout(poll, 1000); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-poll-url]"), watch);
}());
