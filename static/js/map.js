// The synthèse's map: Leaflet (fetched by scripts/fetch_static_vendor.py, never committed) with a
// pin on the site's GPS. The tile server is the MAP_TILE_URL setting; empty, the map is a plain
// background with the pin. Without Leaflet, a message replaces the map.
(function () {
  "use strict";

  function start() {
    var element = document.getElementById("synthese-map");
    if (!element || element.dataset.started) return;
    element.dataset.started = "1";
    if (!window.L) {
      element.textContent = element.dataset.unavailable;
      element.classList.add("synthese-map-unavailable");
      return;
    }
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
    if (element.dataset.images) window.L.Icon.Default.imagePath = element.dataset.images;
    var map = window.L.map(element, { attributionControl: false, scrollWheelZoom: false }).setView(point, 15);
    if (element.dataset.tiles) {
      window.L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map);
      window.L.control.attribution({ prefix: false }).addAttribution(element.dataset.attribution || "").addTo(map);
    } else {
      element.classList.add("synthese-map-plain");
    }
    window.L.marker(point, { title: element.dataset.label, alt: element.dataset.label }).addTo(map);
    // Further pins (the customer record's map: other sites, nearby customers), as JSON in data-points.
    if (element.dataset.points) {
      var bounds = [point];
      JSON.parse(element.dataset.points).forEach(function (other) {
        var at = [parseFloat(other.lat), parseFloat(other.lng)];
        window.L.marker(at, { title: other.label, alt: other.label, opacity: 0.7 }).addTo(map);
        bounds.push(at);
      });
      if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
