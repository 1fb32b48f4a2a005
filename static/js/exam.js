// Taking an exam: autosave every answer, queue answers in localStorage while offline, page through
// questions without reloading, count down from the server's deadline, record leaving the page.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var saveUrl = form.dataset.saveUrl;
  var eventUrl = form.dataset.eventUrl;
  var attemptId = form.dataset.attempt;
  var mode = form.dataset.mode;
  var total = parseInt(form.dataset.total, 10);
  var current = parseInt(form.dataset.current, 10);
  var queueKey = "trainer-attempt-" + attemptId + "-queue";
  var statusEl = document.getElementById("save-status");
  var offlineBanner = document.getElementById("offline-banner");
  var closedBanner = document.getElementById("closed-banner");
  var lastMark = Date.now();
  var sending = false;
  var closed = false;
  var timers = {};

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey) || "{}"); } catch (e) { return {}; }
  }
  function storeQueue(q) {
    try { localStorage.setItem(queueKey, JSON.stringify(q)); } catch (e) { /* storage full: keep in memory */ }
  }
  var queue = loadQueue();

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = cls || "";
  }

  function section(pos) { return document.getElementById("q" + pos); }

  function readResponse(sec) {
    var pos = sec.dataset.position;
    var type = sec.dataset.type;
    var inputs = sec.querySelectorAll("[name='q" + pos + "']");
    if (type === "multiple") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return parseInt(i.value, 10); });
    }
    if (type === "fill") {
      return Array.prototype.map.call(inputs, function (i) { return i.value; });
    }
    if (type === "short") { return inputs[0].value; }
    var chosen = Array.prototype.find.call(inputs, function (i) { return i.checked; });
    if (!chosen) { return null; }
    if (type === "judge") { return chosen.value === "true"; }
    return parseInt(chosen.value, 10);
  }

  function isAnswered(sec) {
    var r = readResponse(sec);
    if (r === null || r === undefined) { return false; }
    if (Array.isArray(r)) { return sec.dataset.type === "fill" ? r.every(function (v) { return v.trim() !== ""; }) : r.length > 0; }
    if (typeof r === "string") { return r.trim() !== ""; }
    return true;
  }

  function refreshSheet(pos) {
    var sec = section(pos);
    var cell = document.querySelector(".sheet-cell[data-goto='" + pos + "']");
    if (!sec || !cell) { return; }
    cell.classList.toggle("answered", isAnswered(sec));
    var flag = sec.querySelector("input[name='flag" + pos + "']");
    cell.classList.toggle("flagged", !!(flag && flag.checked));
    var done = document.querySelectorAll(".sheet-cell.answered").length;
    document.getElementById("answered-count").textContent = done;
  }

  function enqueue(pos, payload) {
    var now = Date.now();
    payload.spent_ms = (queue[pos] && queue[pos].spent_ms || 0) + (now - lastMark);
    lastMark = now;
    queue[pos] = payload;
    storeQueue(queue);
    flush();
  }

  function markSaved(pos) {
    var mark = section(pos) && section(pos).querySelector(".saved-mark");
    if (mark) { mark.hidden = false; }
  }

  function flush() {
    if (sending || closed) { return; }
    var positions = Object.keys(queue);
    if (!positions.length) { setStatus("已保存"); offlineBanner.hidden = true; return; }
    var pos = positions[0];
    var payload = queue[pos];
    var body = JSON.stringify(Object.assign({ position: parseInt(pos, 10) }, payload));
    sending = true;
    setStatus("保存中…");
    fetch(saveUrl, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body, credentials: "same-origin" })
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) { return { status: resp.status, data: data }; });
      })
      .then(function (r) {
        sending = false;
        if (r.status === 200 && r.data.ok) {
          if (queue[pos] === payload) { delete queue[pos]; storeQueue(queue); }
          markSaved(pos);
          offlineBanner.hidden = true;
          flush();
        } else if (r.status === 409 || r.status === 404 || r.status === 403 || r.status === 401) {
          closed = true;
          closedBanner.textContent = (r.data && r.data.error) || "答卷已关闭，答案未能保存。";
          closedBanner.hidden = false;
          setStatus("未保存", "text-warning");
          if (r.status === 409) { setTimeout(function () { window.location = form.dataset.resultUrl; }, 3000); }
        } else {
          retryLater();
        }
      })
      .catch(function () { sending = false; retryLater(); });
  }

  function retryLater() {
    offlineBanner.hidden = false;
    setStatus("暂存在本机", "text-warning");
    setTimeout(flush, 5000);
  }

  window.addEventListener("online", flush);

  function onAnswer(ev) {
    var sec = ev.target.closest(".question-card");
    if (!sec) { return; }
    var pos = sec.dataset.position;
    if (ev.target.name === "flag" + pos) {
      enqueue(pos, Object.assign({}, queue[pos] || {}, { flagged: ev.target.checked }));
      refreshSheet(pos);
      return;
    }
    refreshSheet(pos);
    var save = function () { enqueue(pos, Object.assign({}, queue[pos] || {}, { response: readResponse(sec) })); };
    if (sec.dataset.type === "fill" || sec.dataset.type === "short") {
      clearTimeout(timers[pos]);
      timers[pos] = setTimeout(save, ev.type === "change" ? 0 : 800);
    } else {
      save();
    }
  }
  form.addEventListener("change", onAnswer);
  form.addEventListener("input", function (ev) { if (ev.target.type === "text" || ev.target.tagName === "TEXTAREA") { onAnswer(ev); } });

  // pages: show one question at a time without reloading (the plain form still works without JS)
  function show(pos) {
    if (mode !== "one") { return; }
    pos = Math.max(1, Math.min(total, pos));
    for (var i = 1; i <= total; i++) { section(i).hidden = i !== pos; }
    current = pos;
    var prev = form.querySelector("[data-step='-1']");
    var next = form.querySelector("[data-step='1']");
    var submit = form.querySelector("[data-role='submit']");
    prev.disabled = pos <= 1;
    next.hidden = pos >= total;
    submit.hidden = pos < total;
    document.querySelectorAll(".sheet-cell").forEach(function (c) { c.classList.toggle("current", parseInt(c.dataset.goto, 10) === pos); });
    history.replaceState(null, "", "?q=" + pos + "&mode=one");
    lastMark = Date.now();
    window.scrollTo(0, 0);
  }

  form.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[type=submit]");
    if (!btn) { return; }
    ev.preventDefault();
    if (btn.dataset.role === "submit") { goSubmit(); return; }
    show(current + parseInt(btn.dataset.step, 10));
  });

  document.querySelectorAll(".sheet-cell").forEach(function (cell) {
    cell.addEventListener("click", function (ev) {
      if (mode !== "one") { return; }
      ev.preventDefault();
      show(parseInt(cell.dataset.goto, 10));
      var sheet = window.bootstrap && bootstrap.Offcanvas.getInstance(document.getElementById("answer-sheet"));
      if (sheet) { sheet.hide(); }
    });
  });
  document.querySelectorAll("[data-mode-link]").forEach(function (a) {
    a.addEventListener("click", function () { document.cookie = "exam_mode=" + a.dataset.modeLink + ";path=/;SameSite=Lax"; });
  });

  function whenFlushed(done) {
    var waited = 0;
    (function check() {
      if (!Object.keys(queue).length || waited > 10000) { done(); return; }
      waited += 200;
      flush();
      setTimeout(check, 200);
    })();
  }

  function goSubmit() {
    whenFlushed(function () { window.location = form.dataset.submitUrl; });
  }

  // countdown from the server's deadline
  var countdown = document.getElementById("countdown");
  if (countdown) {
    var remaining = parseInt(countdown.dataset.remaining, 10);
    var endAt = Date.now() + remaining * 1000;
    var label = countdown.querySelector("span");
    var tick = function () {
      var left = Math.max(0, Math.round((endAt - Date.now()) / 1000));
      label.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      countdown.classList.toggle("warn", left <= 300);
      if (left <= 0) {
        clearInterval(timer);
        setStatus("时间到，正在交卷…");
        whenFlushed(function () { document.getElementById("timeout-submit").submit(); });
      }
    };
    var timer = setInterval(tick, 1000);
    tick();
  }

  // leaving the page (switching apps or tabs) is recorded with its time
  document.addEventListener("visibilitychange", function () {
    var kind = document.visibilityState === "hidden" ? "focus_lost" : "focus_back";
    fetch(eventUrl, { method: "POST", keepalive: true, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ kind: kind, position: current }) }).catch(function () {});
    if (kind === "focus_back") { flush(); }
  });

  // answers left in this browser from an earlier visit (a dropped network) are sent now
  if (Object.keys(queue).length) {
    Object.keys(queue).forEach(function (pos) { if (!section(pos)) { delete queue[pos]; } });
    storeQueue(queue);
    flush();
  }
})();
