/* Active search and browser history: one entry per search, not one per keystroke.
   The list answers every filter fragment with HX-Push-Url (its canonical URL). A search is the typing in
   [data-search-history] until a pause of SETTLE_MS between keys, Enter (the "search" event or the form's
   submit) or another filter change ends it. The first answer of a search pushes one history entry and every
   later answer of the same search (tagged when its request starts, so a slow answer still counts) replaces
   it. An answer whose URL is already the current one never pushes. Without JavaScript the form submits by
   GET, so every search is one entry anyway. */
(function () {
  "use strict";
  var SETTLE_MS = 1500;
  var search = 0;  /* the search being typed; a pause, Enter or another filter starts the next */
  var pushedFor = -1;  /* the search whose entry is the current history entry */
  var timer = null;

  function settle() {
    search += 1;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function replaceInstead(hx) {
    hx.replaceurl = hx.pushurl;
    delete hx.pushurl;
  }

  function eventType(ctx) {
    return ctx.sourceEvent ? ctx.sourceEvent.type : "";
  }

  function searching(ctx) {
    var typing = eventType(ctx) === "input" && ctx.sourceElement.matches("[data-search-history]");
    return typing || eventType(ctx) === "search" || eventType(ctx) === "submit";
  }

  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-search-history]")) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(settle, SETTLE_MS);
  });

  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (ctx) ctx.searchNumber = search;
  });

  document.addEventListener("htmx:before:swap", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var source = ctx && ctx.sourceElement;
    if (!ctx || !ctx.hx || !ctx.hx.pushurl || !source || !source.closest || !source.closest("form[data-search-form]")) return;
    var here = ctx.hx.pushurl === window.location.pathname + window.location.search;
    if (!searching(ctx)) {  /* another filter changed: its own entry, and the next typing is a new search */
      if (here) replaceInstead(ctx.hx);
      settle();
      return;
    }
    if (here || pushedFor === ctx.searchNumber) replaceInstead(ctx.hx);
    else pushedFor = ctx.searchNumber;
    if (eventType(ctx) !== "input") settle();  /* Enter ends the search on the entry it has */
  });
  window.addEventListener("popstate", settle);
})();
