// The problems on a map (templates/issues/board_map.html and templates/admin/issues/report/map.html): the
// GeoJSON at data-geojson as clustered markers over the site's tiles. A solved problem's marker opens a popup
// with a link to its page; an open report's marker is coloured by its state, carries a "!" when overdue (the
// legend says both in words, and so does the marker's title), and a click opens the report. When the tiles
// cannot load, the map folds away and the list under it leads.
(function () {
  "use strict";

  var box = document.getElementById("problem-map");
  var note = document.getElementById("map-note");
  if (!box) { return; }

  function collapse() {
    if (box.classList.contains("map-failed")) { return; }
    box.classList.add("map-failed");
    if (note) { note.hidden = false; }
  }

  if (typeof L === "undefined" || !L.markerClusterGroup || !window.BeeFeedTiles) { collapse(); return; }

  var map = L.map(box, { scrollWheelZoom: false }).setView([30.272, 118.142], 14);
  BeeFeedTiles.add(map, box, { failures: 2, timeout: 10000, failed: collapse });
  var staff = box.dataset.kind === "open";

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) { el.className = className; }
    return el;
  }

  // On the staff map a cluster is neutral (the plugin's own colours would read as states) and tells how many
  // of its reports are overdue, in a red "!n" badge.
  function openCluster(group) {
    var children = group.getAllChildMarkers();
    var overdue = children.filter(function (marker) { return marker.options.overdue; }).length;
    var html = document.createElement("div");
    html.appendChild(text("span", String(children.length)));
    if (overdue) { html.appendChild(text("b", "!" + overdue, "bf-cluster-overdue")); }
    return L.divIcon({ html: html, className: "bf-cluster", iconSize: [36, 36] });
  }

  var clusterOptions = { maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true };
  if (staff) { clusterOptions.iconCreateFunction = openCluster; }
  var cluster = L.markerClusterGroup(clusterOptions);

  function solvedPopup(p) {
    var root = document.createElement("div");
    root.className = "problem-popup";
    root.appendChild(text("strong", p.title));
    root.appendChild(text("p", p.category + " · " + p.community, "hint"));
    var when = (p.resolved || "").slice(0, 10) + " · " + (p.on_time ? box.dataset.onTime : box.dataset.late);
    root.appendChild(text("p", when, "hint"));
    var link = text("a", box.dataset.details);
    link.href = p.url;
    root.appendChild(link);
    return root;
  }

  function solvedMarker(ll, p) {
    var icon = L.divIcon({ className: "bf-pin bf-pin-solved", html: "", iconSize: [18, 18] });
    return L.marker(ll, { icon: icon, title: p.title, alt: p.title })
      .bindPopup(solvedPopup(p), { autoPanPadding: [16, 16] });
  }

  function openMarker(ll, p) {
    var label = p.reference + " · " + p.state_label + (p.overdue ? " · " + box.dataset.overdue : "") + " · " + p.category;
    var icon = L.divIcon({
      className: "bf-pin bf-pin-" + p.state + (p.overdue ? " bf-pin-overdue" : ""),
      html: p.overdue ? "!" : "",
      iconSize: [20, 20]
    });
    return L.marker(ll, { icon: icon, title: label, alt: label, overdue: p.overdue }).on("click", function () {
      window.location.href = p.url;
    });
  }

  fetch(box.dataset.geojson, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (data) {
      data.features.forEach(function (feature) {
        var ll = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        var p = feature.properties;
        cluster.addLayer(staff ? openMarker(ll, p) : solvedMarker(ll, p));
      });
      // The view first, then the clusters: drawn once at that zoom, not animated from the first view.
      if (data.features.length) { map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 16, animate: false }); }
      map.addLayer(cluster);
      box.dataset.markers = String(data.features.length);
      box.dataset.ready = "1";
    })
    .catch(collapse);
})();
