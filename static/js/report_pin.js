// The courier's form: "调整位置" opens a small map with a pin on the position (the phone's, else the
// chosen community's centre, else the district's); dragging the pin or tapping the map moves it, and the
// hidden latitude/longitude fields follow, then the community suggestion (report_new.js, "bf:position").
// Leaflet's script and style load only when the map is opened, so the form's first load stays small.
// Without JavaScript, or when Leaflet cannot load, the address is enough; without tiles the pin still moves.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var open = document.getElementById("pin-open");
  var box = document.getElementById("pin-map");
  var data = document.getElementById("pin-data");
  if (!form || !open || !box || !data) { return; }
  data = JSON.parse(data.textContent);
  var zh = (document.documentElement.lang || "zh-Hans").indexOf("zh") === 0;
  var t = function (cn, en) { return zh ? cn : en; };
  var lat = form.elements.latitude;
  var lng = form.elements.longitude;
  var address = form.elements.address;
  var community = form.elements.community;
  var status = document.getElementById("pin-status");
  var map = null;
  var marker = null;
  var loading = null;

  // Offered once the phone's position is known or an address is typed.
  function offer() {
    if (open.hidden && ((lat.value && lng.value) || (address && address.value.trim()))) { open.hidden = false; }
  }
  form.addEventListener("bf:located", function () {
    offer();
    if (marker) { marker.setLatLng([parseFloat(lat.value), parseFloat(lng.value)]); map.panTo(marker.getLatLng()); }
  });
  if (address) { address.addEventListener("input", offer); }
  offer();

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (name) { el[name] = attrs[name]; });
      el.onload = resolve;
      el.onerror = reject;
      (tag === "script" ? document.body : document.head).appendChild(el);
    });
  }

  function leaflet() {
    if (!loading) {
      // The style first, so that Leaflet finds its marker images from it.
      loading = Promise.all([
        load("link", { rel: "stylesheet", href: data.leaflet_css }),
        load("link", { rel: "stylesheet", href: data.pin_css })
      ]).then(function () {
        return window.L ? null : load("script", { src: data.leaflet_js });
      });
    }
    return loading;
  }

  function start() {
    var here = [parseFloat(lat.value), parseFloat(lng.value)];
    if (!isNaN(here[0]) && !isNaN(here[1])) { return { at: here, zoom: 17, known: true }; }
    var centre = community && data.centres[community.value];
    return centre ? { at: centre, zoom: 16 } : { at: data.district, zoom: 14 };
  }

  function place(ll) {
    marker.setLatLng(ll);
    map.panInside(ll, { padding: [48, 48] });  // the pin stays in sight after a drag to the edge
    lat.value = ll.lat.toFixed(6);
    lng.value = ll.lng.toFixed(6);
    box.dataset.lat = lat.value;
    box.dataset.lng = lng.value;
    status.textContent = t("已按标记记录位置。", "The pin's position will be sent.");
    form.dispatchEvent(new CustomEvent("bf:position"));
  }

  function show(visible) {
    box.hidden = !visible;
    open.setAttribute("aria-expanded", String(visible));
    open.textContent = visible ? t("收起地图", "Close the map") : t("调整位置", "Adjust the position");
    if (visible && map) { map.invalidateSize(); }
    // The whole map in sight, clear of the send button pinned at the bottom.
    if (visible && box.scrollIntoView) { box.scrollIntoView({ block: "center" }); }
  }

  function draw() {
    var s = start();
    show(true);
    map = L.map(box, { scrollWheelZoom: false }).setView(s.at, s.zoom);
    // Without tiles the map is blank, but the pin still moves; the address says the rest.
    BeeFeedTiles.add(map, box, {
      tiles: data.tiles,
      failures: 4,
      failed: function () {
        status.textContent = t("地图底图加载不了：仍可拖动标记，并请填写地址。", "The map's tiles did not load: you can still drag the pin, and please type the address.");
      }
    });
    marker = L.marker(s.at, { draggable: true, autoPan: true, title: t("问题位置", "The problem's place") }).addTo(map);
    marker.on("dragend", function () { place(marker.getLatLng()); });
    map.on("click", function (event) { place(event.latlng); });
    box.dataset.ready = "1";
    status.textContent = s.known ? t("拖动标记或点按地图，把位置改准。", "Drag the pin or tap the map to correct the position.")
      : t("拖动标记或点按地图，标出问题位置。", "Drag the pin or tap the map to mark the place.");
  }

  open.addEventListener("click", function () {
    if (map) { show(box.hidden); return; }
    open.disabled = true;
    status.textContent = t("正在打开地图…", "Opening the map…");
    leaflet().then(draw, function () {
      loading = null;
      status.textContent = t("地图打不开，请填写地址。", "The map could not open: please type the address.");
    }).then(function () { open.disabled = false; });
  });
})();
