/* LuZhi: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // The menu button (phones): show or hide the main navigation.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".nav-toggle");
    if (!toggle) return;
    var header = toggle.closest("header");
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (header) header.classList.toggle("nav-open", open);
  });

  // Selects marked data-autosubmit submit their form on change (the language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // Links marked data-back go back one page (without script they go to their href).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Scroll a source panel so that its marked clause is in view (not the whole page).
  function scrollPanels(root) {
    (root || document).querySelectorAll("[data-scroll-to]").forEach(function (panel) {
      var mark = panel.querySelector("#" + panel.getAttribute("data-scroll-to"));
      if (!mark) return;
      var top = mark.getBoundingClientRect().top - panel.getBoundingClientRect().top;
      panel.scrollTop += top - 24;
      panel.setAttribute("data-scrolled", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { scrollPanels(document); });
  document.addEventListener("htmx:afterSwap", function (event) { scrollPanels(event.target); });

  // A date input the browser cannot read (half typed, or an impossible day) posts as
  // empty, and the page would say the date is missing; post a marker instead so that
  // the server says the date is invalid.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    form.querySelectorAll("input[type=date]").forEach(function (input) {
      if (!input.name || !input.validity || !input.validity.badInput) return;
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = input.name;
      marker.value = "invalid";
      marker.setAttribute("data-bad-date", "");
      form.appendChild(marker);
    });
  }, true);

  // Drafts across an expired session. Every POST form (except those marked
  // data-no-draft) is saved to sessionStorage when submitted, keyed by its action. If
  // the next page is the sign-in page, the session had expired: the draft is kept, the
  // sign-in page says why, and after signing in the form is filled in again (file inputs
  // cannot be refilled by a page: their file names are listed to be chosen again).
  // Any other next page means the post reached the server: the draft is dropped.
  var PREFIX = "luzhi:draft:";
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }

  function actionKey(form) {
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    return PREFIX + url.pathname;
  }

  function draftable(form) {
    return form.method && form.method.toLowerCase() === "post" && !form.hasAttribute("data-no-draft");
  }

  function saveDraft(form) {
    var fields = [];
    var files = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "password" || el.type === "hidden" || el.type === "submit" || el.type === "button") return;
      if (el.type === "file") {
        Array.prototype.forEach.call(el.files || [], function (f) { files.push(f.name); });
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        fields.push({ name: el.name, value: el.value, checked: el.checked });
        return;
      }
      fields.push({ name: el.name, value: el.value });
    });
    store.setItem(actionKey(form), JSON.stringify({
      page: window.location.pathname, fields: fields, files: files, state: "sent"
    }));
  }

  function restoreDraft(form, draft) {
    var seen = {};
    draft.fields.forEach(function (item) {
      var candidates = form.querySelectorAll("[name='" + item.name.replace(/'/g, "\\'") + "']");
      Array.prototype.forEach.call(candidates, function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === item.value) el.checked = !!item.checked;
        } else {
          var index = seen[item.name] || 0;
          if (candidates[index] === el) el.value = item.value;
        }
      });
      seen[item.name] = (seen[item.name] || 0) + 1;
    });
    var note = document.createElement("div");
    note.className = "draft-restored";
    note.setAttribute("role", "status");
    note.id = "draft-restored";
    var text = document.body.getAttribute("data-draft-restored") || "";
    note.appendChild(document.createTextNode(text));
    if (draft.files.length) {
      var files = document.createElement("div");
      files.className = "draft-files";
      files.appendChild(document.createTextNode(
        (document.body.getAttribute("data-draft-files") || "") + draft.files.join("、")
      ));
      note.appendChild(files);
    }
    form.insertBefore(note, form.firstChild);
  }

  function handleDrafts() {
    if (!store) return;
    var onLogin = !!document.querySelector("form[data-login]");
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      if (store.key(i).indexOf(PREFIX) === 0) keys.push(store.key(i));
    }
    keys.forEach(function (key) {
      var draft;
      try { draft = JSON.parse(store.getItem(key)); } catch (e) { store.removeItem(key); return; }
      if (onLogin) {
        if (draft.state === "sent") {
          draft.state = "interrupted";
          store.setItem(key, JSON.stringify(draft));
        }
        var notice = document.getElementById("session-expired");
        if (notice) notice.hidden = false;
        return;
      }
      if (draft.state !== "interrupted") { store.removeItem(key); return; }
      var form = Array.prototype.filter.call(document.querySelectorAll("form"), function (f) {
        return draftable(f) && actionKey(f) === key;
      })[0];
      if (form) {
        restoreDraft(form, draft);
        store.removeItem(key);
      }
    });
  }

  if (store) {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (draftable(form)) {
        try { saveDraft(form); } catch (e) { /* storage full or refused: post anyway */ }
      }
    });
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", handleDrafts);
    } else {
      handleDrafts();
    }
  }
})();
