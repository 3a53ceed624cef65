// The station map: Leaflet markers from /stations.geojson over the configured tiles,
// and the "nearest first" button. Without JavaScript or tiles the list under it is the page.
//
// The list leads. This script wires the button at once and starts the map only after the list has been
// painted and the phone is idle, one short step per task: Leaflet's script (preloaded by the page, run
// only now), the map, its tiles, then the markers a slice at a time. A phone that is busy for 50 ms or
// more at a stretch keeps a tap waiting (Lighthouse's "total blocking time" adds those stretches up).
(function () {
  "use strict";

  var nearest = document.getElementById("nearest");
  var status = document.getElementById("nearest-status");
  var listTitle = document.getElementById("list-title");
  // The button is in the page from the start (its space is kept), disabled until now.
  if (nearest && !("geolocation" in navigator)) { nearest.hidden = true; }
  if (nearest && "geolocation" in navigator) {
    nearest.disabled = false;
    nearest.addEventListener("click", function () {
      status.textContent = nearest.dataset.locating || "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        // What the courier ticked on the form, plus the position.
        var params = new URLSearchParams(new FormData(document.getElementById("station-filters")));
        params.set("lat", pos.coords.latitude.toFixed(6));
        params.set("lng", pos.coords.longitude.toFixed(6));
        // The server lists open-now first, then nearest; the "#list-title" brings the list into view.
        window.location.href = "?" + params.toString() + "#list-title";
      }, function () {
        status.textContent = nearest.dataset.denied || "";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  var box = document.getElementById("map");
  var FIT = { padding: [24, 24], maxZoom: 16 };
  var SLICE_MS = 8; // markers made per task: well under a slow phone's 50 ms, on a fast one
  var note = document.getElementById("map-note");

  // No tiles (offline, blocked), no Leaflet: the map folds to a one-line notice and the list leads.
  function collapse() {
    if (!box || box.classList.contains("map-failed")) { return; }
    box.classList.add("map-failed");
    if (note) { note.hidden = false; }
    if (window.location.hash === "#list-title" && listTitle) { listTitle.scrollIntoView(); }
  }

  if (!box) { return; }
  if (!window.BeeFeedTiles || !window.Promise || !window.fetch) { collapse(); return; }

  // The next step in a task of its own, when the main thread has nothing better to do.
  function idle() {
    return new Promise(function (resolve) {
      if ("requestIdleCallback" in window) {
        window.requestIdleCallback(resolve, { timeout: 1000 });
      } else {
        window.setTimeout(resolve, 1);
      }
    });
  }

  // After the frame that paints the list (not before it, as a deferred script would run).
  function painted() {
    return new Promise(function (resolve) {
      window.requestAnimationFrame(function () { window.setTimeout(resolve, 0); });
    });
  }

  function leaflet() {
    return new Promise(function (resolve, reject) {
      if (window.L) { resolve(); return; }
      var script = document.createElement("script");
      script.src = box.dataset.leaflet;
      script.onload = resolve;
      script.onerror = reject;
      document.body.appendChild(script);
    });
  }

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) { el.className = className; }
    return el;
  }

  function link(href, label, className) {
    var a = text("a", label, className);
    a.href = href;
    a.rel = "noopener";
    return a;
  }

  function popup(p) {
    var root = document.createElement("div");
    root.className = "station-popup";
    root.appendChild(text("strong", p.name));
    root.appendChild(text("p", p.open_now ? box.dataset.openNow : box.dataset.closedNow, p.open_now ? "tag tag-ok" : "tag"));
    root.appendChild(text("p", p.hours, "hint"));
    root.appendChild(text("p", p.amenities.map(function (a) { return a.name; }).join(" · ")));
    var nav = document.createElement("p");
    nav.className = "nav-buttons";
    nav.appendChild(link(p.amap_url, box.dataset.navAmap, "btn btn-primary"));
    nav.appendChild(link(p.baidu_url, box.dataset.navBaidu, "btn"));
    root.appendChild(nav);
    root.appendChild(link(p.url, box.dataset.details));
    return root;
  }

  var map = null;
  var here = null;

  function startMap() {
    // No fading: each tile drawn once, not once a frame while it fades in.
    map = L.map(box, { scrollWheelZoom: false, zoomControl: false, attributionControl: false, fadeAnimation: false });
  }

  function setView() {
    // Open on the listed stations (the page's bounds), as the markers will: the tiles load once.
    var start = (box.dataset.bounds || "").split(",").map(parseFloat);
    if (start.length === 4 && !start.some(isNaN)) {
      map.fitBounds([[start[0], start[1]], [start[2], start[3]]], FIT);
    } else {
      map.setView([30.272, 118.142], 14);
    }
  }

  function addControls() {
    // The credit line whole from the start (growing when the tiles came, a task later, it shifted).
    L.control.attribution().addAttribution(BeeFeedTiles.config().attribution).addTo(map);
    // The zoom buttons sit bottom right, above it and away from a popup's name; popups pan clear of the edges.
    L.control.zoom({ position: "bottomright" }).addTo(map);
  }

  function addTiles() {
    BeeFeedTiles.add(map, box, { failures: 2, timeout: 10000, failed: collapse });
  }

  function marker(feature) {
    var ll = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    var open = feature.properties.open_now;
    var m = L.circleMarker(ll, {
      radius: 9, weight: 2, color: "#1c1c1f", fillColor: open ? "#f5b400" : "#9a9aa2", fillOpacity: 0.95
    }).bindPopup(function () { return popup(feature.properties); }, { autoPanPadding: [16, 16], autoPanPaddingTopLeft: [16, 48] }).addTo(map);
    m.stationId = feature.id;
    m.on("click", function () { box.dataset.opened = String(feature.id); });
    return ll;
  }

  // The markers a slice at a time, each slice in its own task.
  function addMarkers(features) {
    var bounds = [];
    var next = 0;
    return new Promise(function (resolve) {
      function slice() {
        var until = performance.now() + SLICE_MS;
        while (next < features.length && performance.now() < until) {
          bounds.push(marker(features[next]));
          next += 1;
        }
        if (next < features.length) { idle().then(slice); } else { resolve(bounds); }
      }
      idle().then(slice);
    });
  }

  function youAreHere() {
    // The layer the markers are drawn in, made now rather than with the first marker.
    map.options.renderer = L.svg();
    map.addLayer(map.options.renderer);
    if (!box.dataset.lat) { return; }
    here = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
    L.circleMarker(here, { radius: 7, color: "#1a5fb4", fillColor: "#1a5fb4", fillOpacity: 0.9 })
      .addTo(map).bindTooltip(box.dataset.youAreHere || "");
  }

  var shown = {};
  (box.dataset.ids || "").split(",").forEach(function (id) { if (id) { shown[id] = true; } });

  painted().then(idle).then(function () {
    // Both travel while the phone waits: the stations and Leaflet's script (preloaded, run now).
    var stations = fetch(box.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); });
    stations.catch(function () { /* handled below, once the map is there */ });
    return leaflet()
      .then(idle).then(startMap)
      .then(idle).then(setView)
      .then(idle).then(addControls)
      .then(idle).then(addTiles)
      .then(idle).then(youAreHere)
      .then(function () { return stations; })
      .then(function (data) {
        return addMarkers(data.features.filter(function (feature) { return shown[String(feature.id)]; }));
      })
      .then(function (bounds) {
        if (here) { bounds.push(here); }
        if (bounds.length) { map.fitBounds(bounds, FIT); }
        box.dataset.ready = "1";
      });
  }).catch(collapse);
})();
