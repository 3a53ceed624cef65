// The report page in the admin (templates/admin/issues/report/_overview.html): a photo opens large
// in a dialog (Esc or the button closes it; without JavaScript the link opens the file), and the
// place is drawn on a small map over the site's tiles. The address and coordinates are always in
// the page as text; when the tiles cannot load (offline, blocked) the map goes away again.
(function () {
  "use strict";

  var dialog = document.getElementById("bf-photo-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var big = dialog.querySelector("img");
    var opener = null;
    document.querySelectorAll("a[data-enlarge]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
        event.preventDefault();
        opener = link;
        big.src = link.href;
        big.alt = link.querySelector("img").alt;
        dialog.showModal();
      });
    });
    dialog.querySelector(".bf-dialog-close").addEventListener("click", function () { dialog.close(); });
    // A click on the dark backdrop (the dialog itself, not the photo) closes it too.
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
    dialog.addEventListener("close", function () {
      big.removeAttribute("src");
      if (opener) { opener.focus(); }
    });
  }

  var box = document.getElementById("bf-report-map");
  if (!box || typeof L === "undefined" || !window.BeeFeedTiles) { return; }
  var here = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
  if (isNaN(here[0]) || isNaN(here[1])) { return; }
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false }).setView(here, 17);
  // Tiles that never answer (a firewall that drops) fail as well, after a while.
  BeeFeedTiles.add(map, box, {
    timeout: 10000,
    failed: function () {
      map.remove();
      box.hidden = true;
    }
  });
  // The 100 m around it, and the open reports listed under "nearby", each a way to its page.
  L.circle(here, { radius: parseFloat(box.dataset.radius) || 100, weight: 1, dashArray: "4 4", fill: false, color: "#1f5fbf", interactive: false }).addTo(map);
  document.querySelectorAll(".bf-nearby-list li[data-lat]").forEach(function (item) {
    var link = item.querySelector("a");
    L.circleMarker([parseFloat(item.dataset.lat), parseFloat(item.dataset.lng)], {
      radius: 6, weight: 2, color: "#1d1d1f", fillColor: "#9a9aa2", fillOpacity: 0.9
    }).bindTooltip(link.textContent).on("click", function () { window.location.href = link.href; }).addTo(map);
  });
  L.circleMarker(here, { radius: 9, weight: 3, color: "#b3261e", fillColor: "#f5b400", fillOpacity: 0.9 })
    .bindTooltip(box.dataset.here || "").addTo(map);
})();
