// Incoming calls (CTI screen pop): the open tab polls synthese:cti_poll every 2 s while it is
// visible; a call shows a notification that opens the caller's synthèse (or "Créer un prospect"
// for an unknown number), or opens the synthèse directly when the user chose automatic opening.
// No long-lived connection, no inline script (the CSP forbids them).
(function () {
  "use strict";

  var POLL_MS = 2000;
  var box = document.getElementById("cti-calls");
  if (!box || !window.fetch) return;
  var busy = false;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(call) {
    var card = element("div", "cti-call");
    card.setAttribute("role", "alert");
    card.appendChild(element("strong", "cti-call-title", box.dataset.title + " · " + call.number));
    card.appendChild(element("p", "cti-call-label", call.known ? call.label : box.dataset.unknownText));
    var actions = element("p", "cti-call-actions");
    var target = call.known ? call.url : call.create_url;
    if (target) {
      var link = element("a", "btn btn-small btn-primary", call.known ? box.dataset.openText : box.dataset.createText);
      link.href = target;
      actions.appendChild(link);
    }
    var close = element("button", "btn btn-small", box.dataset.closeText);
    close.type = "button";
    close.addEventListener("click", function () {
      card.remove();
    });
    actions.appendChild(close);
    card.appendChild(actions);
    box.appendChild(card);
  }

  function poll() {
    if (busy || document.visibilityState === "hidden") return;
    busy = true;
    fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { calls: [] };
      })
      .then(function (data) {
        var calls = data.calls || [];
        var last = calls[calls.length - 1];
        if (data.auto_open && last && last.known && last.url) {
          window.location.assign(last.url);
          return;
        }
        calls.forEach(show);
      })
      .catch(function () {
        // Offline or logged out: the next poll tries again.
      })
      .then(function () {
        busy = false;
      });
  }

  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
  poll();
})();
