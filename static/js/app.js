// Behaviour shared by every page: confirmations, auto-submitting filters, printing.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { ev.preventDefault(); }
  }, true);
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-print]") : null;
    if (el) { ev.preventDefault(); window.print(); }
  });
})();
// Buttons marked data-once disable themselves after the first submit (the server also grades once).
document.addEventListener("submit", function (ev) {
  var btn = ev.target.querySelector("[data-once]");
  if (btn && !ev.defaultPrevented) { setTimeout(function () { btn.disabled = true; }, 0); }
});
