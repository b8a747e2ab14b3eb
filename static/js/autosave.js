/* Portail OS-IAE: autosave of a dossier axis page (no dependency, no inline code: CSP).
 *
 * The form keeps working without this file. With it, the answers are sent a few seconds after the
 * last keystroke and whenever a field is left, to the form's data-autosave-url, with the axis's
 * version: the server applies the same version check as the manual save, so a save made meanwhile
 * (another person, another tab) is never overwritten (409 and its message). Attachments are left to
 * the "Enregistrer" buttons. Leaving the page with changes not yet saved asks for confirmation. */
(function () {
  "use strict";

  var form = document.getElementById("axis-form");
  if (!form || !form.dataset.autosaveUrl || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.dataset.autosaveUrl;
  var status = document.getElementById("autosave-status");
  var versionInput = form.querySelector("input[name=version]");
  var DELAY = parseInt(form.dataset.autosaveDelay || "2000", 10);
  // Beyond this size a request sent while the page closes ("keepalive") is refused by browsers.
  var KEEPALIVE_LIMIT = 60000;

  var dirty = false; // changes not yet sent
  var filesChosen = false; // attachments chosen, saved only by the manual save
  var inFlight = null; // the pending request (a Promise), if any
  var inFlightSurvives = false; // whether it is sent with keepalive (it outlives the page)
  var stopped = false; // after a conflict: nothing more is sent, the user reloads
  var submitting = false;
  var timer = null;

  function say(text, isError) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("text-danger", Boolean(isError));
    status.classList.toggle("text-body-secondary", !isError);
  }

  function isFileField(element) {
    return element.type === "file" || /_clear$/.test(element.name || "");
  }

  function body() {
    var data = new FormData(form);
    var params = new URLSearchParams();
    data.forEach(function (value, name) {
      if (typeof value === "string" && !/_clear$/.test(name)) {
        params.append(name, value);
      }
    });
    return params;
  }

  function clearFieldErrors() {
    form.querySelectorAll("[data-autosave-error]").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll(".is-invalid[data-autosave-invalid]").forEach(function (node) {
      node.classList.remove("is-invalid");
      node.removeAttribute("data-autosave-invalid");
      node.removeAttribute("aria-invalid");
    });
  }

  function showFieldErrors(errors) {
    Object.keys(errors || {}).forEach(function (id) {
      var field = document.getElementById(id);
      if (!field) {
        return;
      }
      field.classList.add("is-invalid");
      field.setAttribute("data-autosave-invalid", "");
      field.setAttribute("aria-invalid", "true");
      var note = document.createElement("div");
      note.className = "invalid-feedback d-block";
      note.setAttribute("data-autosave-error", "");
      note.textContent = errors[id].join(" ");
      field.insertAdjacentElement("afterend", note);
    });
  }

  function save() {
    if (stopped || submitting || !dirty) {
      return inFlight;
    }
    if (inFlight) {
      // One request at a time (each carries the version the previous one returned).
      return inFlight.then(save);
    }
    clearTimeout(timer);
    dirty = false;
    var params = body();
    var request = {
      method: "POST",
      body: params,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    };
    // keepalive: a save started as the user clicks a link still reaches the server.
    request.keepalive = params.toString().length < KEEPALIVE_LIMIT;
    inFlightSurvives = request.keepalive;
    say("Enregistrement…", false);
    inFlight = fetch(url, request)
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return { ok: false, message: "Enregistrement automatique impossible (erreur " + response.status + ")." };
          })
          .then(function (answer) {
            clearFieldErrors();
            if (response.ok && answer.ok) {
              versionInput.value = answer.version;
              say(answer.message, false);
              return;
            }
            dirty = true;
            if (answer.conflict || response.status === 409 || response.status === 403) {
              stopped = true;
            }
            showFieldErrors(answer.errors);
            say(answer.message || "Enregistrement automatique impossible.", true);
          });
      })
      .catch(function () {
        dirty = true;
        say("Non enregistré : le portail est injoignable. Vos textes restent dans la page ; réessayez plus tard.", true);
      })
      .then(function () {
        inFlight = null;
      });
    return inFlight;
  }

  function changed(event) {
    if (event.target && isFileField(event.target)) {
      filesChosen = true;
      return;
    }
    dirty = true;
    if (!stopped) {
      say("Modifications non enregistrées.", false);
    }
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) {
    if (event.target && isFileField(event.target)) {
      filesChosen = true;
      return;
    }
    dirty = true;
    save();
  });
  form.addEventListener("focusout", function () {
    if (dirty) {
      save();
    }
  });
  // The manual save carries the version too: when an autosave is still on its way (leaving the
  // last field to click "Enregistrer" starts one, and a second may be queued behind it), no new
  // one starts, and the form is sent once the last has answered, with the version it returned.
  function settled() {
    return inFlight ? inFlight.then(settled) : Promise.resolve();
  }
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    submitting = true; // the form carries everything typed: no autosave starts any more
    if (!inFlight) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    settled().then(function () {
      if (form.requestSubmit) {
        form.requestSubmit(submitter || undefined);
      } else {
        form.submit();
      }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !(dirty || filesChosen || (inFlight && !inFlightSurvives))) {
      return;
    }
    event.preventDefault();
    event.returnValue = "";
  });
  // The user chose to leave anyway (or the tab is hidden): send what is left, while it is possible.
  window.addEventListener("pagehide", function () {
    save();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save();
    }
  });
})();
