// "Compléter depuis SIRENE" on the third-party create form (GET /tiers/registre/, tiers:registry_lookup).
//
// Markup (no inline script needed), inside the <form>:
//   <div data-registry-lookup data-registry-lookup-url="/tiers/registre/">
//     <button type="button" data-registry-lookup-button>…</button>
//     <p data-registry-lookup-status>…</p>
//   </div>
// A click reads the SIRET (else the SIREN) input of the form, asks the server, and writes each
// answered value only into an EMPTY input: name, naf, siren of the form, and line1, line2,
// postal_code, city of the first address ([data-address]). Filled inputs are never changed.
// The server answers {"fields": {name: value}} or {"error": "message"}; the message, or the list
// of filled fields, is shown in the status line.
(function () {
  "use strict";

  var IDENTITY = ["name", "naf", "siren"];
  var ADDRESS = ["line1", "line2", "postal_code", "city"];

  function input(scope, selector) {
    return scope ? scope.querySelector(selector) : null;
  }

  function fillEmpty(field, value) {
    if (!field || !value || (field.value || "").trim() !== "") return false;
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function labelOf(field) {
    var label = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    return label ? label.firstChild.textContent.trim() : field.name;
  }

  function run(container) {
    var form = container.closest("form");
    var status = input(container, "[data-registry-lookup-status]");
    var siret = input(form, '[name="siret"]');
    var siren = input(form, '[name="siren"]');
    var params = new URLSearchParams();
    if (siret && siret.value.trim()) params.set("siret", siret.value.trim());
    else if (siren && siren.value.trim()) params.set("siren", siren.value.trim());
    else {
      status.textContent = "Renseignez le SIRET ou le SIREN pour interroger le registre.";
      return;
    }
    status.textContent = "Interrogation du registre…";
    fetch(container.dataset.registryLookupUrl + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.error) {
          status.textContent = answer.error;
          return;
        }
        var fields = answer.fields || {};
        var filled = [];
        IDENTITY.forEach(function (name) {
          var field = input(form, '[name="' + name + '"]');
          if (fillEmpty(field, fields[name])) filled.push(labelOf(field));
        });
        var address = input(form, "[data-address]");
        ADDRESS.forEach(function (name) {
          var field = input(address, '[name$="-' + name + '"]');
          if (fillEmpty(field, fields[name])) filled.push(labelOf(field));
        });
        status.textContent = filled.length
          ? "Complété depuis SIRENE : " + filled.join(", ") + "."
          : "Aucun champ vide à compléter.";
      })
      .catch(function () {
        status.textContent = "Le service SIRENE est injoignable.";
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-registry-lookup-button]") : null;
    if (!button) return;
    event.preventDefault();
    run(button.closest("[data-registry-lookup]"));
  });
})();
