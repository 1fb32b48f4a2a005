// Night school: the check-in screen refreshes its code and QR every few seconds; the attendance
// table fills the unrecorded rows in one click.
(function () {
  "use strict";
  var screen = document.querySelector("[data-code-url]");
  if (screen) {
    var url = screen.getAttribute("data-code-url");
    var code = document.getElementById("checkin-code");
    var qr = document.getElementById("checkin-qr");
    var left = document.getElementById("code-left");
    var count = document.getElementById("count-in");
    var seconds = parseInt(left.textContent, 10) || 60;
    var refresh = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) { return; }
          if (code.textContent !== d.code) { code.textContent = d.code; qr.src = d.qr; }
          seconds = d.left;
          left.textContent = seconds;
          count.textContent = d.present + d.late;
        })
        .catch(function () { /* keep showing the last code; the next tick tries again */ });
    };
    setInterval(function () {
      seconds -= 1;
      if (seconds <= 0) { refresh(); } else { left.textContent = seconds; }
    }, 1000);
    setInterval(refresh, 15000);
  }
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-fill-blank]") : null;
    if (!btn) { return; }
    var value = btn.getAttribute("data-fill-blank");
    btn.form.querySelectorAll("select.night-status").forEach(function (sel) {
      if (!sel.value) { sel.value = value; }
    });
  });
})();
// Session and series forms: the unit list matters only when the audience is "chosen units".
(function () {
  "use strict";
  var audience = document.querySelector("select[name='audience']");
  var units = document.querySelector(".night-units");
  if (!audience || !units) { return; }
  var sync = function () { units.hidden = audience.value !== "units"; };
  audience.addEventListener("change", sync);
  sync();
})();
