/* People pickers over GET /people (htmx.ajax swaps the _people_options.html listbox):
   - the assignee combobox (input[data-people-combobox], ARIA 1.2 combobox, list autocomplete, manual
     selection: typing filters, arrows move, Enter picks, Esc closes; any email may still be typed);
   - @mention autocomplete in comment and description textareas: typing "@al" offers people, arrows
     move, Enter or Tab inserts "@handle ", Esc closes. */
(function () {
  "use strict";
  var script = document.currentScript;
  var peopleUrl = script ? script.getAttribute("data-people-url") : "/people";
  var MENTION_FIELDS = "textarea[name=body], textarea[name=description]";
  var timers = new WeakMap();

  function listbox(el) { return document.getElementById(el.getAttribute("aria-controls")); }
  function options(el) { var box = listbox(el); return box ? Array.prototype.slice.call(box.querySelectorAll("[role=option]")) : []; }
  function isOpen(el) { var box = listbox(el); return !!box && !box.hidden; }
  function isMention(el) { return el.tagName === "TEXTAREA"; }

  function status(el, text) {
    var id = el.getAttribute("aria-controls") + "-status", live = document.getElementById(id);
    if (!live) {
      live = document.createElement("p");
      live.id = id; live.className = "visually-hidden"; live.setAttribute("role", "status");
      el.parentNode.appendChild(live);
    }
    live.textContent = text;
  }

  function close(el) {
    var box = listbox(el);
    if (box) box.hidden = true;
    if (!isMention(el)) el.setAttribute("aria-expanded", "false");
    el.removeAttribute("aria-activedescendant");
  }

  function open(el) {
    var box = listbox(el), count = options(el).length;
    if (!box || !count) { close(el); status(el, count === 0 && query(el) ? "No one matches." : ""); return; }
    box.hidden = false;
    if (!isMention(el)) el.setAttribute("aria-expanded", "true");
    status(el, count + (count === 1 ? " person" : " people") + " found. Use the arrow keys to choose.");
    highlight(el, isMention(el) ? 0 : -1);
  }

  function highlight(el, index) {
    var opts = options(el);
    opts.forEach(function (opt, i) { opt.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0 && opts[index]) {
      el.setAttribute("aria-activedescendant", opts[index].id);
      opts[index].scrollIntoView({block: "nearest"});
    } else {
      el.removeAttribute("aria-activedescendant");
    }
  }

  function current(el) {
    var active = el.getAttribute("aria-activedescendant");
    return options(el).findIndex(function (opt) { return opt.id === active; });
  }

  /* the "@al" being typed just before the caret, or null */
  function mentionAt(el) {
    var before = el.value.slice(0, el.selectionStart);
    var found = /(^|[^\w.@])@([\w.+-]*)$/.exec(before);
    return found ? {start: before.length - found[2].length - 1, text: found[2]} : null;
  }

  function query(el) {
    if (!isMention(el)) return el.value.trim();
    var at = mentionAt(el);
    return at ? at.text : null;
  }

  function search(el, all) {  /* all: ArrowDown on an empty assignee field lists the first people */
    var q = query(el);
    if (q === null || (!isMention(el) && q === "" && !all)) { close(el); return; }
    var id = el.getAttribute("aria-controls");
    htmx.ajax("GET", peopleUrl, {target: "#" + id, swap: "outerHTML", values: {q: q, listbox: id}})
      .then(function () { if (document.activeElement === el) open(el); });
  }

  function later(el) {
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { search(el); }, 120));
  }

  function choose(el, opt) {
    if (!opt) return;
    if (isMention(el)) {
      var at = mentionAt(el), caret = el.selectionStart;
      if (at) {
        var insert = "@" + opt.getAttribute("data-handle") + " ";
        el.value = el.value.slice(0, at.start) + insert + el.value.slice(caret);
        el.selectionStart = el.selectionEnd = at.start + insert.length;
      }
    } else {
      el.value = opt.getAttribute("data-value");
    }
    close(el);
    status(el, "");
    el.focus();
  }

  function enhance(el) {
    if (el.hasAttribute("aria-controls") || !el.id) return;
    var box = document.createElement("ul");
    box.id = el.id + "-mentions"; box.className = "people-options mention-options";
    box.setAttribute("role", "listbox"); box.setAttribute("aria-label", "People to mention"); box.hidden = true;
    el.insertAdjacentElement("afterend", box);
    el.setAttribute("aria-autocomplete", "list");
    el.setAttribute("aria-controls", box.id);
  }

  function control(target) {
    if (!target || !target.closest) return null;
    return target.closest("input[data-people-combobox], " + MENTION_FIELDS);
  }

  function onKey(event) {
    var el = control(event.target);
    if (!el || !el.hasAttribute("aria-controls")) return;
    var opts = options(el), index = current(el), openNow = isOpen(el);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!openNow) { if (!isMention(el)) { event.preventDefault(); search(el, true); } return; }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight(el, (index + step + opts.length + (index < 0 && step < 0 ? 1 : 0)) % opts.length);
    } else if ((event.key === "Enter" || (event.key === "Tab" && isMention(el))) && openNow && index >= 0) {
      event.preventDefault();
      event.stopPropagation();
      choose(el, opts[index]);
    } else if (event.key === "Escape" && openNow) {
      event.preventDefault();
      event.stopPropagation();
      close(el);
    }
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches(MENTION_FIELDS)) enhance(event.target);
  });
  document.addEventListener("input", function (event) { var el = control(event.target); if (el) later(el); });
  document.addEventListener("keydown", onKey, true);  /* before the page shortcuts (Esc closes menus there) */
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".people-options [role=option]")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var opt = event.target.closest && event.target.closest(".people-options [role=option]");
    if (!opt) return;
    var el = document.querySelector("[aria-controls='" + opt.parentNode.id + "']");
    if (el) choose(el, opt);
  });
  document.addEventListener("focusout", function (event) {
    var el = control(event.target);
    if (el && el.hasAttribute("aria-controls")) setTimeout(function () { if (document.activeElement !== el) close(el); }, 150);
  });
})();
