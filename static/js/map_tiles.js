// The site's tile layers on a Leaflet map, and what every map does when they cannot load (offline, blocked,
// a firewall that drops): it says so once, through options.failed, and marks its box data-tiles="failed"
// ("loaded" once a tile came), so that the page's list or text can lead instead. Used by every map's script.
// The layers come from stations.tiles.config(), in the page as the JSON script "map-tiles" (or options.tiles).
(function () {
  "use strict";

  function config() {
    var data = document.getElementById("map-tiles");
    return data ? JSON.parse(data.textContent) : null;
  }

  // options.failures: how many tile errors, with no tile loaded, mean failure (1 by default);
  // options.timeout: milliseconds after which no tile at all means failure too (none by default).
  function add(map, box, options) {
    options = options || {};
    var tiles = options.tiles || config();
    var loaded = 0, failures = 0, failed = false;

    function fail() {
      if (failed || loaded) { return; }
      failed = true;
      box.dataset.tiles = "failed";
      if (options.failed) { options.failed(); }
    }

    tiles.layers.forEach(function (layer, index) {
      var layerOptions = { maxZoom: tiles.max_zoom, attribution: index === 0 ? tiles.attribution : "" };
      if (layer.subdomains) { layerOptions.subdomains = layer.subdomains; }
      L.tileLayer(layer.url, layerOptions).on("tileload", function () {
        loaded += 1;
        box.dataset.tiles = "loaded";
      }).on("tileerror", function () {
        failures += 1;
        if (failures >= (options.failures || 1)) { fail(); }
      }).addTo(map);
    });
    if (options.timeout) { window.setTimeout(fail, options.timeout); }
  }

  window.BeeFeedTiles = { add: add, config: config };
})();
