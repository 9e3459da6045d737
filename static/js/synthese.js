// The synthèse client's frame: the active tab follows htmx tab switches (and the browser's back
// and forward), the side panels (suivi commercial, wiki, vault, exchanges, contact form) open in a
// <dialog> once htmx has loaded them. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  function markTab(key) {
    document.querySelectorAll(".synthese-tabs [role=tab]").forEach(function (tab) {
      var active = tab.dataset.tab === key;
      tab.classList.toggle("active", active);
      tab.setAttribute("aria-selected", active ? "true" : "false");
    });
  }

  function tabOfUrl(url) {
    var params = new URL(url, window.location.href).searchParams;
    return params.get("onglet") || params.get("tab");
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest(".synthese-tabs [role=tab]");
    if (tab) markTab(tab.dataset.tab);
  });

  document.addEventListener("htmx:historyRestore", function () {
    var key = tabOfUrl(window.location.href);
    if (key) markTab(key);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "synthese-panel-body") {
      var dialog = document.getElementById("synthese-panel");
      if (dialog && !dialog.open) dialog.showModal();
    }
  });

  // A message added or deleted in the panel changes the tab's exchanges counts: the tab's body
  // is reloaded when the panel closes.
  var threadChanged = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var verb = (event.detail.requestConfig && event.detail.requestConfig.verb) || "";
    if (verb.toLowerCase() === "post" && elt.closest && elt.closest("#synthese-panel .exchanges")) {
      threadChanged = true;
    }
  });

  // Closing the panel empties it (a revealed secret does not stay in the page).
  document.addEventListener("close", function (event) {
    if (event.target.id === "synthese-panel") {
      var body = document.getElementById("synthese-panel-body");
      if (body) body.replaceChildren();
      if (threadChanged && window.htmx) {
        threadChanged = false;
        window.htmx.ajax("GET", window.location.href, { target: "#synthese-tab-body", swap: "innerHTML" });
      }
    }
  }, true);
})();
