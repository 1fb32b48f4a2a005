// Drills: answer without a page reload (the plain form post still works without JS), keyboard shortcuts.
(function () {
  "use strict";
  var card = document.querySelector("[data-drill-card]");
  if (!card) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function showError(form, message) {
    var box = form.querySelector("[data-drill-error]");
    if (box) { box.textContent = message; box.classList.remove("d-none"); } else { window.alert(message); }
  }

  function plainSubmit(form, submitter) {
    // fall back to the ordinary post, keeping the pressed button's value
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    form.submit();
  }

  card.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-drill-answer") || !window.fetch || !window.FormData) { return; }
    ev.preventDefault();
    var submitter = ev.submitter || null;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (resp) {
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }).then(function (result) {
      if (result.ok && result.body.html) {
        card.innerHTML = result.body.html;
        var verdict = card.querySelector("[data-drill-verdict]");
        if (verdict) { verdict.focus({ preventScroll: true }); }
        if (card.getBoundingClientRect().top < 0) { window.scrollTo({ top: 0, behavior: "smooth" }); }
      } else {
        buttons.forEach(function (b) { b.disabled = false; });
        showError(form, (result.body && result.body.error) || "提交失败，请重试");
      }
    }).catch(function () { plainSubmit(form, submitter); });
  });

  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || (el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text")))) {
      return;
    }
    var body = card.querySelector("form[data-drill-answer] .question-body");
    var form = body ? body.closest("form") : null;
    var key = (ev.key || "").toUpperCase();
    if (form && key.length === 1 && key >= "A" && key <= "H") {
      var inputs = form.querySelectorAll(".option-item input");
      var input = inputs[key.charCodeAt(0) - 65];
      if (input) { input.click(); input.focus(); ev.preventDefault(); }
    } else if (!form && key === "ENTER") {
      var next = card.querySelector("[data-drill-next]");
      var active = document.activeElement;
      if (next && (!active || active === document.body || active.hasAttribute("data-drill-verdict"))) {
        next.click(); ev.preventDefault();
      }
    }
  });
})();
