// Quick search (Ctrl+K): a <dialog> with one field; results as the user types, grouped by kind
// (the order of synthese:quick_search's answer). Arrow keys move, Enter opens, Escape closes, the
// mouse works. A result opens its synthèse URL when it has one, else its record. The top bar's
// search field opens the overlay too. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var MIN_CHARS = 2;

  var dialog = document.getElementById("quick-search");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var input = document.getElementById("quick-search-input");
  var list = document.getElementById("quick-search-results");
  var status = document.getElementById("quick-search-status");
  var timer = null;
  var sequence = 0; // answers of older requests than the last one sent are ignored
  var controller = null;
  var options = [];
  var active = -1;

  function setStatus(text) {
    status.textContent = text || "";
  }

  function clearResults() {
    list.replaceChildren();
    options = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach(function (option, position) {
      var selected = position === active;
      option.classList.toggle("active", selected);
      option.setAttribute("aria-selected", selected ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function option(result, number) {
    var link = document.createElement("a");
    link.className = "quick-search-option";
    link.id = "quick-search-option-" + number;
    link.setAttribute("role", "option");
    link.setAttribute("aria-selected", "false");
    link.href = result.synthese_url || result.record_url || "#";
    link.dataset.kind = result.kind;
    var label = document.createElement("span");
    label.className = "quick-search-label";
    label.textContent = result.label;
    link.appendChild(label);
    if (result.sublabel) {
      var sublabel = document.createElement("span");
      sublabel.className = "quick-search-sublabel";
      sublabel.textContent = result.sublabel;
      link.appendChild(sublabel);
    }
    return link;
  }

  function render(groups) {
    clearResults();
    groups.forEach(function (group, groupNumber) {
      var section = document.createElement("div");
      section.className = "quick-search-group";
      section.setAttribute("role", "group");
      var title = document.createElement("div");
      title.className = "quick-search-kind";
      title.id = "quick-search-kind-" + groupNumber;
      title.textContent = group.kind;
      section.setAttribute("aria-labelledby", title.id);
      section.appendChild(title);
      group.results.forEach(function (result) {
        if (!result.synthese_url && !result.record_url) return;
        var link = option(result, options.length);
        options.push(link);
        section.appendChild(link);
      });
      list.appendChild(section);
    });
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    setStatus(options.length ? "" : dialog.dataset.emptyText);
    if (options.length) highlight(0);
  }

  function search() {
    var query = input.value.trim();
    sequence += 1;
    var mine = sequence;
    if (controller) controller.abort();
    controller = null;
    if (query.length < MIN_CHARS) {
      clearResults();
      setStatus(query ? dialog.dataset.shortText : "");
      return;
    }
    controller = typeof AbortController === "function" ? new AbortController() : null;
    var url = dialog.dataset.url + "?" + new URLSearchParams({ q: query }).toString();
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (mine !== sequence) return; // a newer query was typed meanwhile
        render(data.groups || []);
      })
      .catch(function (error) {
        if (mine !== sequence || (error && error.name === "AbortError")) return;
        clearResults();
        setStatus(dialog.dataset.errorText);
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, DEBOUNCE_MS);
  }

  function open(text) {
    if (!dialog.open) dialog.showModal();
    if (typeof text === "string") {
      input.value = text;
      schedule();
    }
    input.focus();
    input.select();
  }

  function go(index) {
    var target = options[index];
    if (!target) return;
    dialog.close();
    window.location.assign(target.href);
  }

  input.addEventListener("input", schedule);

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter") {
      // Without a highlighted result, the form goes to the synthèse search screen.
      if (active >= 0 && options.length) {
        event.preventDefault();
        go(active);
      }
    }
  });

  list.addEventListener("mousemove", function (event) {
    var target = event.target.closest(".quick-search-option");
    var index = options.indexOf(target);
    if (index >= 0 && index !== active) highlight(index);
  });

  // A click outside the dialog's box (on its backdrop) closes it.
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) dialog.close();
  });

  dialog.addEventListener("close", function () {
    window.clearTimeout(timer);
    sequence += 1;
    if (controller) controller.abort();
  });

  // Ctrl+K (Cmd+K on a Mac) anywhere, also inside form fields: capture phase, before the page's
  // own handlers and the browser's (Ctrl+K focuses the browser's search bar).
  document.addEventListener(
    "keydown",
    function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key && event.key.toLowerCase() === "k") {
        event.preventDefault();
        event.stopPropagation();
        open();
      }
    },
    true
  );

  // The top bar's field opens the overlay (what was typed there moves along).
  var topbar = document.querySelector(".topbar .quicksearch input[name=q]");
  if (topbar) {
    topbar.addEventListener("click", function () {
      open(topbar.value);
    });
    topbar.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key.length === 1) {
        event.preventDefault();
        open(topbar.value + event.key);
      } else if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        open(topbar.value);
      }
    });
  }

  window.crmQuickSearch = { open: open };
})();
