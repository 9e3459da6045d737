// F10 on any page (also inside form fields, and where Ctrl+K is taken by a rich-text editor):
// opens the synthèse of the customer the page declares (<body data-customer>, filled by the
// templates' {% block customer_id %}); without one, the synthèse search screen. The browser's own
// F10 (menu bar focus) is suppressed. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var config = document.getElementById("hotkeys");
  if (!config) return;

  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "F10" || event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      var customer = (document.body.dataset.customer || "").trim();
      var url = config.dataset.f10Url;
      window.location.assign(/^\d+$/.test(customer) ? url + "?" + new URLSearchParams({ client: customer }) : url);
    },
    true
  );
})();
