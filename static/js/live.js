// Live detail pages: a stream (hx-sse) swaps in #live-version-notice with the item's new version. Show it only
// while a form of the page still carries an older expected_version, so the user knows before a 409.
(function () {
  "use strict";

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

  document.addEventListener("htmx:after:swap", check);
  document.addEventListener("htmx:sse:after:message", check);
})();
