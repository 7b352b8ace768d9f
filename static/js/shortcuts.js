/* Keyboard shortcuts: j/k move in lists, o/Enter open, c create, / search, v vote, t state menu,
   e edit, Esc close, ? help. Never while typing in a field, never with Ctrl/Cmd/Alt. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-list] [data-row]"));
  }

  function select(delta) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (row) { return row.classList.contains("is-selected"); });
    var next = current < 0 ? (delta > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + delta));
    all.forEach(function (row) { row.classList.remove("is-selected"); row.removeAttribute("aria-current"); });
    var row = all[next];
    row.classList.add("is-selected");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector(".row-link");
    if (link) link.focus();
    row.scrollIntoView({block: "nearest"});
  }

  function openSelected() {
    var row = document.querySelector("[data-list] [data-row].is-selected");
    var link = row && row.querySelector(".row-link");
    if (link) { link.click(); return true; }
    return false;
  }

  function openMenu(id) {
    var menu = document.getElementById(id);
    if (!menu) {
      /* on a list: open the selected item's page with that menu open */
      var link = document.querySelector("[data-list] [data-row].is-selected .row-link");
      if (link) window.location.href = link.href + "#" + id;
      return;
    }
    menu.open = true;
    var first = menu.querySelector(".menu-body textarea, .menu-body input:not([type=hidden]), .menu-body select, .menu-body button");
    if (first) first.focus();
  }

  /* Close every open menu; focus that was in one (or was dropped to <body>) goes back to its <summary>,
     so the next shortcut or Tab starts from where the menu was, not from the top of the page. */
  function closeAll() {
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      var active = document.activeElement;
      var lost = !active || active === document.body || d.contains(active);
      d.open = false;
      var summary = d.querySelector("summary");
      if (lost && summary) summary.focus();
    });
  }

  /* Esc in a search box: the browser clears it; then leave the box so j/k move in the list again. */
  function leaveSearch(target) {
    if (target && target.matches && target.matches("input[type=search]")) setTimeout(function () { target.blur(); }, 0);
  }

  function openMenuFromHash() {
    var id = window.location.hash.slice(1);
    if (id === "transition-menu" || id === "edit-panel") openMenu(id);
  }
  window.addEventListener("load", function () { setTimeout(openMenuFromHash, 0); });

  /* The page's search box: the one marked for the shortcut, else any search field (the docs'); visible ones only
     (the header's sits in the collapsed phone menu). */
  function searchBox() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-shortcut=search], input[type=search]"));
    return boxes.find(function (box) { return box.getClientRects().length > 0; }) || null;
  }

  var actions = {
    "j": function () { select(1); },
    "k": function () { select(-1); },
    "o": openSelected,
    "c": function () { var a = document.querySelector("[data-shortcut=create]"); window.location.href = a ? a.href : "/work-items/new"; },
    "/": function () { var q = searchBox(); if (q) { q.focus(); q.select(); } else { window.location.href = "/work-items"; } },
    "v": function () { var b = document.querySelector("[data-shortcut=vote]:not([disabled])"); if (b) b.click(); },
    "t": function () { openMenu("transition-menu"); },
    "e": function () { openMenu("edit-panel"); },
    "?": function () { var d = document.getElementById("shortcut-help"); if (d && !d.open) d.showModal(); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.key === "Escape") {
      if (!document.querySelector("dialog[open]")) { closeAll(); leaveSearch(event.target); }
      return;
    }
    if (typing(event.target)) return;
    if (event.key === "Enter") {
      if (event.target.closest && event.target.closest("a, button, summary")) return;
      if (openSelected()) event.preventDefault();
      return;
    }
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
