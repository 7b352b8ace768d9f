/* Relative times: every <time data-relative datetime="..."> shows "3 h ago" (counted like app/web/times.py)
   with the exact local time in its title, kept current every minute and after every swap. Without
   JavaScript the server's text (relative or UTC) and UTC title stay. */
(function () {
  "use strict";
  var STEPS = [[3600, 60, "min"], [86400, 3600, "h"], [30 * 86400, 86400, "d"]];
  var EXACT = {year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"};

  function relative(date, now) {
    var seconds = (now - date) / 1000, span = Math.abs(seconds);
    if (span < 60) return "just now";
    for (var i = 0; i < STEPS.length; i++) {
      if (span < STEPS[i][0]) {
        var count = Math.floor(span / STEPS[i][1]);
        return seconds > 0 ? count + " " + STEPS[i][2] + " ago" : "in " + count + " " + STEPS[i][2];
      }
    }
    return date.toLocaleDateString(undefined, {year: "numeric", month: "short", day: "numeric"});
  }

  function upgrade() {
    var now = new Date();
    document.querySelectorAll("time[data-relative][datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      var text = relative(date, now), title = date.toLocaleString(undefined, EXACT);
      if (el.textContent !== text) el.textContent = text;  /* unchanged text: no mutation, no loop */
      if (el.title !== title) el.title = title;
    });
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; upgrade(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    upgrade();
    new MutationObserver(soon).observe(document.body, {childList: true, subtree: true});
    window.setInterval(upgrade, 60000);
  });
})();
