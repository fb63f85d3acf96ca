// Reporting (issue 6): refresh "n of N done" and the failures of a report batch every 2 s.
// The page works without this script (the server renders the same state); no inline script.
(function () {
  "use strict";
  var root = document.getElementById("batch-progress");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var csrfInput = root.querySelector("[data-csrf-form] input[name=csrfmiddlewaretoken]");

  function setText(field, value) {
    var el = root.querySelector('[data-field="' + field + '"]');
    if (el) { el.textContent = String(value); }
  }

  function renderFailed(failed) {
    var list = root.querySelector('[data-field="failed"]');
    if (!list) { return; }
    list.replaceChildren();
    if (failed.length === 0) {
      var none = document.createElement("li");
      none.textContent = list.getAttribute("data-none-label");
      list.appendChild(none);
      return;
    }
    failed.forEach(function (job) {
      var item = document.createElement("li");
      item.appendChild(document.createTextNode(job.organisation + ": " + job.error + " "));
      var form = document.createElement("form");
      form.method = "post";
      form.action = job.retry_url;
      form.className = "d-inline";
      if (csrfInput) { form.appendChild(csrfInput.cloneNode()); }
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "btn btn-sm btn-outline-primary";
      button.textContent = list.getAttribute("data-retry-label");
      form.appendChild(button);
      item.appendChild(form);
      list.appendChild(item);
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        ["done", "total", "running", "pending"].forEach(function (f) { setText(f, data[f]); });
        var bar = root.querySelector("progress");
        if (bar) { bar.max = data.total; bar.value = data.done; }
        renderFailed(data.failed);
        if (!data.finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
