// A small map under the station's latitude/longitude: click or drag the marker to place it.
(function () {
  "use strict";
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  if (!lat || !lng || typeof L === "undefined" || !window.BeeFeedTiles) { return; }
  var box = document.createElement("div");
  box.className = "station-place-map";
  box.id = "station-place-map";
  lng.closest(".form-row, .fieldBox, div").after(box);

  var start = [parseFloat(lat.value) || 30.272, parseFloat(lng.value) || 118.142];
  var map = L.map(box).setView(start, lat.value ? 16 : 13);
  BeeFeedTiles.add(map, box);  // without tiles the marker still moves, and the fields say the rest
  var marker = L.marker(start, { draggable: true }).addTo(map);

  function place(ll) {
    marker.setLatLng(ll);
    lat.value = ll.lat.toFixed(6);
    lng.value = ll.lng.toFixed(6);
  }
  marker.on("dragend", function () { place(marker.getLatLng()); });
  map.on("click", function (event) { place(event.latlng); });
  [lat, lng].forEach(function (input) {
    input.addEventListener("change", function () {
      var ll = [parseFloat(lat.value), parseFloat(lng.value)];
      if (!isNaN(ll[0]) && !isNaN(ll[1])) { marker.setLatLng(ll); map.setView(ll); }
    });
  });
})();
