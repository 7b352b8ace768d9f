/* DeltaDesk page behaviour without inline scripts: mobile menu, dialogs opened by swaps, network errors. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function openModals(root) {
    (root || document).querySelectorAll("dialog[data-open-modal]").forEach(function (dialog) {
      if (!dialog.open && dialog.isConnected) {
        dialog.showModal();
        var first = dialog.querySelector("textarea, input:not([type=hidden]), button");
        if (first) first.focus();
      }
    });
  }

  function showFlash(message) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    flash.textContent = "";
    var box = document.createElement("div");
    box.className = "error-message";
    box.setAttribute("role", "alert");
    box.textContent = message;
    flash.appendChild(box);
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (toggle) {
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (menu) menu.classList.toggle("is-open", open);
    }
    var help = event.target.closest("[data-shortcut-help]");
    if (help) {
      var dialog = document.getElementById("shortcut-help");
      if (dialog && !dialog.open) dialog.showModal();
    }
  });

  document.addEventListener("htmx:before:request", function () {
    var flash = document.getElementById("flash");
    if (flash && !flash.querySelector("[data-sticky]")) flash.textContent = "";
  });
  document.addEventListener("htmx:after:swap", function () {
    openModals(document);
    /* a swap that removed the focused control would drop focus to <body>: put it on the item heading */
    if (document.activeElement === document.body || !document.activeElement) {
      var heading = document.getElementById("item-title");
      if (heading) heading.focus({preventScroll: true});
    }
  });
  document.addEventListener("htmx:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (ctx && ctx.response) return;  /* the server answered: its error fragment was swapped in */
    showFlash("Could not reach DeltaDesk. Check your connection and try again; nothing you typed was lost.");
  });
  document.addEventListener("DOMContentLoaded", function () { openModals(document); });
})();
