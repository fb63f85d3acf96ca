/* Survey form (surveys app): autosave of the visible section.
   The plain "Spara utkast" button works without JavaScript; this script adds a save shortly
   after each change, posts the section with fetch (CSRF token from the form's hidden input),
   and shows per-field errors, conflicts (both values) and the progress per section. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form || form.dataset.autosave !== "on") { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var saving = false;
  var pending = false;

  function say(text) { if (status) { status.textContent = text; } }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setError(name, message) {
    var target = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
    var wrapper = form.querySelector('[data-field="' + CSS.escape(name) + '"]');
    if (target) { target.textContent = message ? "Fel: " + message : ""; }
    if (wrapper) { wrapper.classList.toggle("kf-field-invalid", Boolean(message)); }
  }

  // Soft rules (a large change from last year, one scope 2 method, ...): said beside the field
  // as soon as it is saved, not first on the check page (issue 20.3). The label comes from the
  // page, in its language.
  function setWarning(name, message) {
    var target = form.querySelector('[data-warning-for="' + CSS.escape(name) + '"]');
    if (!target) { return; }
    target.textContent = "";
    if (!message) { return; }
    var strong = document.createElement("strong");
    strong.textContent = form.dataset.warningLabel || "Varning:";
    target.appendChild(strong);
    target.appendChild(document.createTextNode(" " + message));
  }

  function showConflict(conflict) {
    var wrapper = form.querySelector('[data-field="' + CSS.escape(conflict.field) + '"]');
    if (!wrapper) { return; }
    var box = wrapper.querySelector(".kf-conflict");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-warning mt-2 mb-0 kf-conflict";
      box.setAttribute("role", "alert");
      wrapper.appendChild(box);
    }
    var theirs = conflict.theirs.raw || conflict.theirs.choice || "–";
    var yours = conflict.yours.raw || conflict.yours.choice || "–";
    box.textContent = "";
    var p1 = document.createElement("p");
    p1.className = "mb-1";
    p1.textContent = "Krock: " + (conflict.by || "en kollega") +
      " har sparat ett annat värde sedan du öppnade sidan. Sparat värde: " + theirs + ".";
    var p2 = document.createElement("p");
    p2.className = "mb-0";
    p2.textContent = "Ditt värde (i fältet): " + yours + ". Spara igen för att behålla ditt värde.";
    box.appendChild(p1);
    box.appendChild(p2);
    // Saving again deliberately replaces their value: take over the stored version.
    var version = form.querySelector('[data-version-for="' + CSS.escape(conflict.field) + '"]');
    if (version) { version.value = String(conflict.version); }
  }

  function updateProgress(progress) {
    Object.keys(progress).forEach(function (key) {
      var bar = document.querySelector('[data-progress="' + CSS.escape(key) + '"]');
      var text = document.querySelector('[data-progress-text="' + CSS.escape(key) + '"]');
      var answered = progress[key][0];
      var total = progress[key][1];
      if (bar) { bar.value = answered; bar.max = total; }
      if (text) { text.textContent = answered + " av " + total + " besvarade"; }
    });
  }

  function save() {
    if (saving) { pending = true; return; }
    saving = true;
    say("Sparar …");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var data = result.data;
      if (!result.ok) { say(data.message || "Kunde inte spara. Använd knappen Spara utkast."); return; }
      Object.keys(data.versions || {}).forEach(function (name) {
        var input = form.querySelector('[data-version-for="' + CSS.escape(name) + '"]');
        if (input) { input.value = String(data.versions[name]); }
      });
      form.querySelectorAll("[data-error-for]").forEach(function (el) {
        setError(el.dataset.errorFor, (data.errors || {})[el.dataset.errorFor] || "");
      });
      if (data.warnings) {
        form.querySelectorAll("[data-warning-for]").forEach(function (el) {
          setWarning(el.dataset.warningFor, data.warnings[el.dataset.warningFor] || "");
        });
      }
      (data.conflicts || []).forEach(showConflict);
      updateProgress(data.progress || {});
      if (data.conflicts && data.conflicts.length) {
        say("Krock med en kollegas ändring: se de markerade fälten.");
      } else {
        say("Utkastet sparades " + data.saved_at + ".");
      }
    }).catch(function () {
      say("Kunde inte spara automatiskt. Använd knappen Spara utkast.");
    }).finally(function () {
      saving = false;
      if (pending) { pending = false; save(); }
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target && event.target.tagName === "TEXTAREA") { schedule(); }
  });
})();
