// The board's report page (templates/issues/board_detail.html): a small map of about where the
// problem was, at the rounded position the page holds (never the exact one). The community and
// address stay in the page as text; when the tiles cannot load (offline, blocked) the map goes away.
(function () {
  "use strict";

  var box = document.getElementById("board-map");
  if (!box) { return; }
  var here = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
  // Its box is in the page from the first paint (nothing jumps); without Leaflet or a position it goes.
  if (typeof L === "undefined" || !window.BeeFeedTiles || isNaN(here[0]) || isNaN(here[1])) {
    box.hidden = true;
    return;
  }
  var map = L.map(box, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false }).setView(here, 16);
  // Tiles that never answer (a firewall that drops) fail as well, after a while.
  BeeFeedTiles.add(map, box, {
    timeout: 10000,
    failed: function () {
      map.remove();
      box.hidden = true;
    }
  });
  // An area, not a pin: the position is only known to the street.
  L.circle(here, { radius: 60, weight: 2, color: "#b3261e", fillColor: "#f5b400", fillOpacity: 0.35, interactive: false })
    .addTo(map);
})();
