// Small behaviours of the base layout. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // Forms marked data-autosubmit submit when one of their selects changes (company switcher).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select")) {
      form.requestSubmit();
    }
  });

  // Close an open <details> menu when clicking elsewhere or pressing Escape (focus goes back
  // to the menu's summary so keyboard users keep their place).
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.activeElement && document.activeElement.closest("details.menu[open]");
    closeMenus(null);
    if (open) open.querySelector("summary").focus();
  });

  // Screen readers: the highlighted link of the left navigation is the current page.
  function markCurrentPage() {
    document.querySelectorAll(".sidenav a.active").forEach(function (link) {
      link.setAttribute("aria-current", "page");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markCurrentPage);
  } else {
    markCurrentPage();
  }
})();
