// Third-party picker of the link forms (GET /tiers/selecteur-tiers/, tiers:party_picker).
//
// Markup (rendered by tiers.forms.links; no inline script):
//   <input type="radio" name="linked_kind" value="client" data-party-picker-kind="linked">   (optional)
//   <input type="text" name="linked_search" data-party-picker="/tiers/selecteur-tiers/"
//          data-party-picker-target="id_linked" data-party-picker-kinds="linked">
//   <input type="hidden" name="linked" id="id_linked">
// From 3 characters (the server answers [] below), a debounced request (250 ms) fills a <datalist>
// under the text input with "CODE — Name" options; choosing one puts its id in the hidden input.
// Editing the text clears the id until a proposal is chosen again (the form then falls back to
// the code typed, so the page still works without JavaScript).
(function () {
  "use strict";

  var DELAY = 250;
  var MIN_CHARS = 3;
  var counter = 0;

  function kindOf(input) {
    var group = input.dataset.partyPickerKinds;
    if (!group) return "";
    var checked = document.querySelector('[data-party-picker-kind="' + group + '"]:checked');
    return checked ? checked.value : "";
  }

  function datalistFor(input) {
    var id = input.getAttribute("list");
    var list = id ? document.getElementById(id) : null;
    if (!list) {
      counter += 1;
      list = document.createElement("datalist");
      list.id = "party-picker-" + counter;
      input.insertAdjacentElement("afterend", list);
      input.setAttribute("list", list.id);
    }
    return list;
  }

  function setup(input) {
    var hidden = document.getElementById(input.dataset.partyPickerTarget);
    var timer = null;
    var byLabel = {};

    function choose() {
      var id = byLabel[input.value];
      if (hidden) hidden.value = id === undefined ? "" : String(id);
    }

    function search() {
      var query = input.value.trim();
      var list = datalistFor(input);
      if (query.length < MIN_CHARS) {
        list.replaceChildren();
        return;
      }
      var params = new URLSearchParams({ q: query, kind: kindOf(input) });
      fetch(input.dataset.partyPicker + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .catch(function () { return []; })
        .then(function (parties) {
          byLabel = {};
          list.replaceChildren.apply(list, parties.map(function (party) {
            byLabel[party.label] = party.id;
            var option = document.createElement("option");
            option.value = party.label;
            return option;
          }));
          choose();
        });
    }

    input.addEventListener("input", function () {
      choose();
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("change", choose);
    document.querySelectorAll('[data-party-picker-kind="' + input.dataset.partyPickerKinds + '"]').forEach(
      function (radio) { radio.addEventListener("change", search); }
    );
  }

  function start() {
    document.querySelectorAll("input[data-party-picker]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
