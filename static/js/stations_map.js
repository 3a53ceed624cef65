// The station map: Leaflet markers from /stations.geojson over the configured tiles,
// and the "nearest first" button. Without JavaScript or tiles the list under it is the page.
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
  var note = document.getElementById("map-note");

  // No tiles (offline, blocked): the map folds to a one-line notice and the list leads.
  function collapse() {
    if (!box || box.classList.contains("map-failed")) { return; }
    box.classList.add("map-failed");
    if (note) { note.hidden = false; }
    if (window.location.hash === "#list-title" && listTitle) { listTitle.scrollIntoView(); }
  }

  if (!box) { return; }
  if (typeof L === "undefined" || !window.BeeFeedTiles) { collapse(); return; }

  // The zoom buttons sit bottom right, away from a popup's name; popups pan clear of the edges.
  var map = L.map(box, { scrollWheelZoom: false, zoomControl: false });
  // Open on the listed stations (the page's bounds), as the markers will: the tiles load once.
  var start = (box.dataset.bounds || "").split(",").map(parseFloat);
  if (start.length === 4 && !start.some(isNaN)) {
    map.fitBounds([[start[0], start[1]], [start[2], start[3]]], FIT);
  } else {
    map.setView([30.272, 118.142], 14);
  }
  L.control.zoom({ position: "bottomright" }).addTo(map);
  BeeFeedTiles.add(map, box, { failures: 2, timeout: 10000, failed: collapse });

  var here = null;
  if (box.dataset.lat) {
    here = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
    L.circleMarker(here, { radius: 7, color: "#1a5fb4", fillColor: "#1a5fb4", fillOpacity: 0.9 })
      .addTo(map).bindTooltip(box.dataset.youAreHere || "");
  }
  var shown = {};
  (box.dataset.ids || "").split(",").forEach(function (id) { if (id) { shown[id] = true; } });

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

  fetch(box.dataset.geojson, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var bounds = [];
      data.features.forEach(function (feature) {
        if (!shown[String(feature.id)]) { return; }
        var ll = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        var open = feature.properties.open_now;
        var marker = L.circleMarker(ll, {
          radius: 9, weight: 2, color: "#1c1c1f", fillColor: open ? "#f5b400" : "#9a9aa2", fillOpacity: 0.95
        }).bindPopup(popup(feature.properties), { autoPanPadding: [16, 16], autoPanPaddingTopLeft: [16, 48] }).addTo(map);
        marker.stationId = feature.id;
        marker.on("click", function () { box.dataset.opened = String(feature.id); });
        bounds.push(ll);
      });
      if (here) { bounds.push(here); }
      if (bounds.length) { map.fitBounds(bounds, FIT); }
      box.dataset.ready = "1";
    })
    .catch(collapse);
})();
