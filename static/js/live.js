// Live pages (templates/work_items/_live_*.html, app/web/stream.py).
// 1. Connect each [data-live-stream] element once htmx has started: the hx-sse extension is loaded after
//    htmx, so the attribute is set here and processed, never raced against htmx's own first pass.
// 2. Show #live-version-notice only while a form of the page carries an older expected_version.
(function () {
  "use strict";

  function connect() {
    document.querySelectorAll("[data-live-stream]").forEach(function (element) {
      if (element.hasAttribute("hx-sse:connect")) return;
      element.setAttribute("hx-sse:connect", element.dataset.liveStream);
      htmx.process(element);
    });
  }

  function check() {
    var notice = document.getElementById("live-version-notice");
    if (!notice || !notice.dataset.version) return;
    var input = document.querySelector('#item-main input[name="expected_version"]');
    var formVersion = input ? Number(input.value) : NaN;
    var stale = formVersion < Number(notice.dataset.version);
    var slot = notice.querySelector("[data-form-version]");
    if (stale && slot) slot.textContent = String(formVersion);
    notice.hidden = !stale;
  }

  function start() {
    setTimeout(connect, 0); // htmx queued its own start before this script ran
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:after:swap", check);
  document.addEventListener("htmx:sse:after:message", check);
})();
