// Live competition boards: poll board.json every few seconds and update the rows in place (no reload);
// the big screen also scrolls slowly through a long board.
(function () {
  "use strict";
  var table = document.getElementById("board");
  if (!table) { return; }
  var url = table.getAttribute("data-board-url");
  var interval = (parseInt(table.getAttribute("data-interval"), 10) || 3) * 1000;
  var tbody = document.getElementById("board-rows");
  var timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function badge(text, cls) { return el("span", "badge " + cls, text); }

  function buildRow(row) {
    var tr = el("tr", row.me ? "table-warning is-me" : "");
    var rank = el("td", "rank");
    rank.appendChild(el("span", "rank-badge rank-" + (row.rank <= 3 ? row.rank : "n"), String(row.rank)));
    var who = el("td", "who");
    var name = el("div", "fw-semibold", row.name);
    if (row.me) { name.appendChild(document.createTextNode(" ")); name.appendChild(badge("我", "text-bg-warning")); }
    if (row.flag && table.getAttribute("data-admin") === "1") {
      name.appendChild(document.createTextNode(" "));
      var flag = el("i", "bi bi-exclamation-triangle-fill text-danger flag");
      flag.title = "答题异常";
      name.appendChild(flag);
    }
    if (row.award) { name.appendChild(document.createTextNode(" ")); name.appendChild(badge(row.award, "award")); }
    who.appendChild(name);
    who.appendChild(el("div", "small text-muted unit", row.unit));
    tr.appendChild(rank);
    tr.appendChild(who);
    tr.appendChild(el("td", "score text-end", row.score));
    tr.appendChild(el("td", "time text-end", row.time));
    tr.appendChild(el("td", "at text-end d-none d-sm-table-cell", row.at));
    return tr;
  }

  function setText(id, text) { var n = document.getElementById(id); if (n) { n.textContent = text; } }
  function show(id, on) { var n = document.getElementById(id); if (n) { n.hidden = !on; } }

  function apply(data) {
    var rows = tbody.rows;
    data.rows.forEach(function (row, i) {
      var sig = JSON.stringify(row);
      var old = rows[i];
      if (old && old.getAttribute("data-sig") === sig) { return; }
      var fresh = buildRow(row);
      fresh.setAttribute("data-sig", sig);
      // rows drawn by the server carry no signature yet: take them over without flashing
      if (!old || old.hasAttribute("data-sig")) { fresh.classList.add("changed"); }
      if (old) { tbody.replaceChild(fresh, old); } else { tbody.appendChild(fresh); }
    });
    while (tbody.rows.length > data.rows.length) { tbody.deleteRow(tbody.rows.length - 1); }
    setText("board-state", data.state);
    var stateBadge = document.getElementById("board-state");
    if (stateBadge) {
      stateBadge.className = "badge state-badge state-" + ({"未发布": "draft", "未开始": "soon", "进行中": "open", "已结束": "closed"}[data.state] || "open");
    }
    setText("board-count", String(data.count));
    setText("board-updated", data.updated);
    if (data.freeze_at) { setText("board-freeze-at", data.freeze_at); }
    show("board-frozen", data.frozen);
    show("board-final", data.final);
    show("board-live", data.live);
    show("board-empty", data.rows.length === 0);
    table.setAttribute("data-frozen", data.frozen ? "1" : "0");
    table.setAttribute("data-polls", String((parseInt(table.getAttribute("data-polls"), 10) || 0) + 1));
  }

  function poll() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        apply(data);
        if (!data.live && timer) { clearInterval(timer); timer = null; }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  if (table.getAttribute("data-live") === "1") {
    timer = setInterval(poll, interval);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  }

  // big screen: scroll down a long board, pause, jump back to the top
  if (table.getAttribute("data-autoscroll") === "1") {
    var pause = 0;
    setInterval(function () {
      var max = document.documentElement.scrollHeight - window.innerHeight;
      if (max <= 0) { return; }
      if (pause > 0) { pause -= 1; return; }
      if (window.scrollY >= max - 1) { window.scrollTo(0, 0); pause = 60; return; }
      window.scrollBy(0, 2);
    }, 50);
  }
})();
