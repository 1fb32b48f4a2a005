// Question list: one box ticks every unreviewed question of the page for review at once.
(function () {
  "use strict";
  var all = document.getElementById("tick-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("#bulk-review input[name=question_id]").forEach(function (box) { box.checked = all.checked; });
  });
})();

// Question form: show only the answer fields of the chosen type (everything stays usable without JS).
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) { return; }
  var select = form.querySelector("select[name=type]");
  function sync() {
    var type = select.value;
    form.querySelectorAll("[data-for-types]").forEach(function (el) {
      var show = el.getAttribute("data-for-types").split(" ").indexOf(type) >= 0;
      el.hidden = !show;
    });
    if (type === "single") {
      // a single-choice question keeps one ticked box
      form.querySelectorAll("input[name=correct]").forEach(function (box) {
        box.onchange = function () {
          if (box.checked) {
            form.querySelectorAll("input[name=correct]").forEach(function (o) { if (o !== box) { o.checked = false; } });
          }
        };
      });
    } else {
      form.querySelectorAll("input[name=correct]").forEach(function (box) { box.onchange = null; });
    }
  }
  select.addEventListener("change", sync);
  sync();
})();
