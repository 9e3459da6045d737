// Postal code ↔ city lookup of French addresses (GET /tiers/codes-postaux/, tiers:postal_lookup).
//
// Markup, on any form (no inline script needed):
//   <div data-address data-postal-lookup-url="/tiers/codes-postaux/">   (the URL is optional: that is the default)
//     <input name="…postal_code" data-postal-lookup="code">
//     <input name="…city" data-postal-lookup="city">
//     <input name="…subdivision" data-postal-lookup="subdivision">      (optional: the département)
//     <select name="…country" data-postal-lookup="country" data-france="12">   (optional: the lookup
//                                                                        runs only while this value is
//                                                                        "FR" or equals data-france,
//                                                                        e.g. the France row's pk)
//   </div>
// - Typing a postal code (5 digits) fills the city when the code serves one commune (the city input
//   is then left alone if the user already typed one of the code's communes), fills the département,
//   and offers the code's communes in a <datalist> on the city input.
// - Typing 2+ letters of a city offers "CITY" options in a <datalist> on the city input; picking one
//   (or typing a city that matches a single code) fills the postal code and the département.
// - Every request is debounced (250 ms); answers are cached per query; each container ([data-address])
//   is independent, so formsets with many addresses work, including rows added later.
// The server answers a JSON list of {postal_code, city, subdivision} (city in upper case), at most 20.
(function () {
  "use strict";

  var DELAY = 250;
  var DEFAULT_URL = "/tiers/codes-postaux/";
  var cache = {};
  var timers = new WeakMap();
  var counter = 0;

  function part(container, role) {
    return container.querySelector('[data-postal-lookup="' + role + '"]');
  }

  function isFrance(container) {
    var country = part(container, "country");
    if (!country || !country.value) return true;
    return country.value.toUpperCase() === "FR" || country.value === (country.dataset.france || "");
  }

  function lookup(container, params) {
    var url = (container.dataset.postalLookupUrl || DEFAULT_URL) + "?" + new URLSearchParams(params).toString();
    if (cache[url]) return Promise.resolve(cache[url]);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (places) { cache[url] = places; return places; })
      .catch(function () { return []; });
  }

  function datalistFor(input) {
    var id = input.getAttribute("list");
    var list = id ? document.getElementById(id) : null;
    if (!list) {
      counter += 1;
      list = document.createElement("datalist");
      list.id = "postal-lookup-" + counter;
      input.insertAdjacentElement("afterend", list);
      input.setAttribute("list", list.id);
    }
    return list;
  }

  function fillList(input, values) {
    var list = datalistFor(input);
    list.replaceChildren();
    values.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.value;
      if (item.label) option.label = item.label;
      list.appendChild(option);
    });
  }

  function setValue(input, value) {
    if (input && input.value !== value) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function normalize(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase().replace(/[^0-9A-Z]+/g, " ").trim();
  }

  function fromCode(container) {
    var code = part(container, "code");
    var city = part(container, "city");
    var value = (code.value || "").replace(/\s+/g, "");
    if (!/^\d{2,5}$/.test(value)) return;
    lookup(container, { code: value }).then(function (places) {
      if (value.length !== 5) return;
      var exact = places.filter(function (place) { return place.postal_code === value; });
      if (!exact.length) return;
      if (city) {
        fillList(city, exact.map(function (place) { return { value: place.city }; }));
        var typed = normalize(city.value);
        var known = exact.some(function (place) { return normalize(place.city) === typed; });
        if (exact.length === 1 && !known) setValue(city, exact[0].city);
      }
      setValue(part(container, "subdivision"), exact[0].subdivision);
    });
  }

  function fromCity(container) {
    var city = part(container, "city");
    var code = part(container, "code");
    var text = (city.value || "").trim();
    if (normalize(text).replace(/ /g, "").length < 2) return;
    lookup(container, { ville: text }).then(function (places) {
      fillList(city, uniqueCities(places));
      var typed = normalize(text);
      var matches = places.filter(function (place) { return normalize(place.city) === typed; });
      var codes = matches.map(function (place) { return place.postal_code; });
      if (code) {
        // Several codes (Lyon, Paris…): offered in the code's list, never guessed.
        fillList(code, matches.map(function (place) { return { value: place.postal_code, label: place.city }; }));
        if (matches.length === 1 && codes.indexOf(code.value) === -1) setValue(code, codes[0]);
      }
      if (matches.length) setValue(part(container, "subdivision"), matches[0].subdivision);
    });
  }

  function uniqueCities(places) {
    var seen = {};
    return places.filter(function (place) {
      if (seen[place.city]) return false;
      seen[place.city] = true;
      return true;
    }).map(function (place) { return { value: place.city }; });
  }

  function schedule(input, container, run) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { run(container); }, DELAY));
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-postal-lookup]")) return;
    var container = input.closest("[data-address]");
    if (!container || !isFrance(container)) return;
    var role = input.dataset.postalLookup;
    if (role === "code") schedule(input, container, fromCode);
    else if (role === "city") schedule(input, container, fromCity);
  });
})();
