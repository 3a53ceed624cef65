// The staff intake page (issues.intake): a click on the small map gives the position and suggests the
// community; photos show a preview; "a resident by telephone" hides the volunteer. Without JavaScript,
// or without map tiles, the form still works: type the coordinates or the address.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  var zh = (document.documentElement.lang || "zh-hans").indexOf("zh") === 0;
  var t = function (cn, en) { return zh ? cn : en; };
  var lat = form.elements.latitude;
  var lng = form.elements.longitude;
  var community = form.elements.community;
  var status = document.getElementById("map-status");
  var communityTouched = !!(community && community.value);
  if (community) { community.addEventListener("change", function () { communityTouched = true; }); }

  function suggestCommunity() {
    if (!lat.value || !lng.value || !window.fetch || communityTouched) { return; }
    var url = form.getAttribute("data-community-url") + "?lat=" + encodeURIComponent(lat.value) +
      "&lng=" + encodeURIComponent(lng.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.community && !communityTouched) { community.value = String(data.community.id); }
      })
      .catch(function () { /* the coordinator chooses it */ });
  }

  // --- The map -----------------------------------------------------------------
  var box = document.getElementById("intake-map");
  if (box && typeof L !== "undefined" && window.BeeFeedTiles) {
    box.hidden = false;
    var start = [parseFloat(lat.value) || 30.272, parseFloat(lng.value) || 118.142];
    var map = L.map(box).setView(start, lat.value ? 16 : 13);
    BeeFeedTiles.add(map, box);  // without tiles the pin still moves, and the fields say the rest
    var marker = lat.value ? L.marker(start, { draggable: true }).addTo(map) : null;
    var place = function (ll) {
      if (!marker) {
        marker = L.marker(ll, { draggable: true }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng()); });
      }
      marker.setLatLng(ll);
      lat.value = ll.lat.toFixed(6);
      lng.value = ll.lng.toFixed(6);
      status.textContent = t("已取点：", "Position: ") + lat.value + ", " + lng.value;
      suggestCommunity();
    };
    if (marker) { marker.on("dragend", function () { place(marker.getLatLng()); }); }
    map.on("click", function (event) { place(event.latlng); });
    status.textContent = t("在地图上点选问题位置，或填写地址。", "Click the place on the map, or type the address.");
    [lat, lng].forEach(function (input) {
      input.addEventListener("change", function () {
        var ll = [parseFloat(lat.value), parseFloat(lng.value)];
        if (isNaN(ll[0]) || isNaN(ll[1])) { return; }
        if (!marker) { marker = L.marker(ll, { draggable: true }).addTo(map); }
        marker.setLatLng(ll);
        map.setView(ll);
        suggestCommunity();
      });
    });
  } else if (status) {
    status.textContent = t("地图不可用：请填写地址或坐标。", "No map: type the address or the coordinates.");
  }

  // --- Photos: a preview of each chosen file ------------------------------------------
  var input = document.getElementById("id_photos");
  var previews = document.getElementById("photo-previews");
  if (input && previews) {
    input.addEventListener("change", function () {
      previews.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (!/^image\//.test(file.type)) { return; }
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        previews.appendChild(img);
      });
    });
  }

  // --- Who sent it: the volunteer only for a volunteer -----------------------------------
  var row = document.getElementById("volunteer-row");
  var sources = form.querySelectorAll("input[name=source]");
  function showVolunteer() {
    var chosen = form.querySelector("input[name=source]:checked");
    if (row) { row.hidden = !!chosen && chosen.value !== "volunteer"; }
  }
  Array.prototype.forEach.call(sources, function (r) { r.addEventListener("change", showVolunteer); });
  showVolunteer();

  // One click enters once.
  var send = document.getElementById("intake-submit");
  form.addEventListener("submit", function () { setTimeout(function () { send.disabled = true; }, 0); });
  window.addEventListener("pageshow", function () { send.disabled = false; });
})();
