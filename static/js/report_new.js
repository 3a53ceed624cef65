// The courier's report form: shrink photos before upload, find the position,
// suggest the community and warn about the same problem nearby.
// Without JavaScript the form still works: the server checks everything.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var MAX_SIDE = 1600;
  var lang = document.documentElement.lang || "zh-Hans";
  var zh = lang.indexOf("zh") === 0;
  var t = function (cn, en) { return zh ? cn : en; };
  // A distance as the server writes one (beefeed.display.distance_label): to 10 m under 1 km
  // ("120 米"), then one decimal ("1.2 公里"), from 10 km whole kilometres.
  var distance = function (metres) {
    var tens = Math.max(10, Math.round(metres / 10) * 10);
    if (tens < 1000) return tens + t(" 米", " m");
    var tenths = Math.round(metres / 100);
    return (tenths < 100 ? (tenths / 10).toFixed(1) : String(Math.round(metres / 1000))) + t(" 公里", " km");
  };

  // --- Photos -------------------------------------------------------------
  var slots = Array.prototype.slice.call(form.querySelectorAll(".photo-slot"));
  slots.forEach(function (slot, i) {
    if (i > 0) slot.hidden = true;
    var input = slot.querySelector("input[type=file]");
    var preview = slot.querySelector(".photo-preview");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      if (slots[i + 1]) slots[i + 1].hidden = false;
      shrink(file).then(function (small) {
        if (small && window.DataTransfer) {
          try {
            var dt = new DataTransfer();
            dt.items.add(small);
            input.files = dt.files;
            file = small;
          } catch (e) { /* keep the original; the server shrinks it */ }
        }
        preview.src = URL.createObjectURL(file);
        preview.alt = t("已选照片", "Chosen photo");
        preview.hidden = false;
        slot.classList.add("has-photo");
      });
    });
  });

  function shrink(file) {
    if (!/^image\//.test(file.type) || !window.HTMLCanvasElement) return Promise.resolve(null);
    return new Promise(function (resolve) {
      var img = new Image();
      var url = URL.createObjectURL(file);
      img.onload = function () {
        URL.revokeObjectURL(url);
        var w = img.naturalWidth, h = img.naturalHeight;
        var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
        if (scale === 1 && file.size < 1500000) return resolve(null);
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob) return resolve(null);
          var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          try { resolve(new File([blob], name, { type: "image/jpeg" })); } catch (e) { resolve(null); }
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(null); };
      img.src = url;
    });
  }

  // --- Position, community, duplicates ---------------------------------------
  var lat = form.querySelector("input[name=latitude]");
  var lng = form.querySelector("input[name=longitude]");
  var status = document.getElementById("locate-status");
  var button = document.getElementById("locate");
  var community = form.querySelector("select[name=community]");
  var communityTouched = false;
  if (community) community.addEventListener("change", function () { communityTouched = true; });

  function locate() {
    if (!navigator.geolocation) {
      status.textContent = t("无法定位，请填写地址。", "No position available: please type the address.");
      return;
    }
    status.textContent = t("正在定位…", "Finding your position…");
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      status.textContent = t("已定位（约 ", "Position found (about ") + distance(pos.coords.accuracy) + t("）", ")");
      checkNearby();
      form.dispatchEvent(new CustomEvent("bf:located"));  // report_pin.js: the map may open now
    }, function () {
      status.textContent = t("没有取得位置，请填写地址。", "Could not get your position: please type the address.");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function checkedCategory() {
    var c = form.querySelector("input[name=category]:checked");
    return c ? c.value : "";
  }

  var nearbyAsked = 0;  // answers may come back out of order: only the latest question's answer counts
  function checkNearby() {
    if (!lat.value || !lng.value || !window.fetch) return;
    var asked = ++nearbyAsked;
    var url = form.getAttribute("data-nearby-url") + "?lat=" + encodeURIComponent(lat.value) +
      "&lng=" + encodeURIComponent(lng.value) + "&category=" + encodeURIComponent(checkedCategory());
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      // Over the hourly limit (429) or a bad position (400): no hint, quietly; the form still works.
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (asked !== nearbyAsked) return;  // a newer look-up (another category, the pin moved) is under way
        if (!data) return;
        if (data.community && community && !communityTouched) community.value = String(data.community.id);
        // The possible duplicates, with their "+1", are report_duplicates.js's to show.
        form.dispatchEvent(new CustomEvent("beefeed:nearby", { detail: data }));
      })
      .catch(function () { /* a weak signal: the form works without this */ });
  }

  form.querySelectorAll("input[name=category]").forEach(function (r) { r.addEventListener("change", checkNearby); });
  form.addEventListener("bf:position", checkNearby);  // the pin moved (report_pin.js)
  button.hidden = false;
  button.addEventListener("click", locate);
  if (!lat.value) locate();

  // One tap sends once: a weak signal makes people tap again.
  var send = form.querySelector(".btn-send");
  var sendLabel = send.textContent;
  form.addEventListener("submit", function () {
    setTimeout(function () { send.disabled = true; send.textContent = t("正在发送…", "Sending…"); }, 0);
  });
  // Back from an error page (the browser may restore this page as it was): the button works again.
  window.addEventListener("pageshow", function () { send.disabled = false; send.textContent = sendLabel; });

  // --- The typed text survives a lost connection or a server that is briefly down ---------
  // Kept in this phone's storage until the "report received" page clears it (report_done.js).
  var DRAFT = "beefeed-report-draft";
  var kept = ["description", "address", "community"];
  function saveDraft() {
    var draft = { category: checkedCategory() };
    kept.forEach(function (name) { if (form.elements[name]) draft[name] = form.elements[name].value; });
    try { window.localStorage.setItem(DRAFT, JSON.stringify(draft)); } catch (e) { /* private mode: no draft */ }
  }
  function restoreDraft() {
    var draft = null;
    try { draft = JSON.parse(window.localStorage.getItem(DRAFT) || "null"); } catch (e) { return; }
    var description = form.elements.description;
    if (!draft || !draft.description || !description || description.value) return;
    kept.forEach(function (name) { if (form.elements[name] && draft[name]) form.elements[name].value = draft[name]; });
    form.querySelectorAll("input[name=category]").forEach(function (r) { r.checked = r.value === draft.category; });
    var note = document.getElementById("draft-restored");
    if (note) note.hidden = false;
  }
  restoreDraft();
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
})();
