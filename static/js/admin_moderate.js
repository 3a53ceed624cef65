// The moderation page: draw rectangles over a photo with the mouse, a pen or a finger (pointer
// events). Each area is kept as [x, y, width, height], relative to the photo (0..1), in the hidden
// input the form posts; the server checks and applies them (issues.moderation).
(function () {
  "use strict";
  var MIN_SIDE = 0.01; // a click or a tap is not an area

  function clamp(v) { return Math.min(1, Math.max(0, v)); }
  function round(v) { return Math.round(v * 10000) / 10000; }

  function read(input) {
    try {
      var areas = JSON.parse(input.value || "[]");
      return Array.isArray(areas) ? areas : [];
    } catch (e) {
      return [];
    }
  }

  function setup(stage) {
    var input = document.getElementById(stage.dataset.input);
    var max = parseInt(stage.dataset.max, 10) || 20;
    var count = document.querySelector('.bf-cover-count[data-input="' + stage.dataset.input + '"]');
    var areas = read(input);
    var drawing = null;

    function place(box, a) {
      box.style.left = (a[0] * 100) + "%";
      box.style.top = (a[1] * 100) + "%";
      box.style.width = (a[2] * 100) + "%";
      box.style.height = (a[3] * 100) + "%";
    }

    function render() {
      stage.querySelectorAll(".bf-cover-area").forEach(function (box) { box.remove(); });
      areas.forEach(function (a) {
        var box = document.createElement("div");
        box.className = "bf-cover-area";
        place(box, a);
        stage.appendChild(box);
      });
      input.value = JSON.stringify(areas);
      if (count) { count.textContent = areas.length + " / " + max; }
    }

    function at(event) {
      var r = stage.getBoundingClientRect();
      return [clamp((event.clientX - r.left) / r.width), clamp((event.clientY - r.top) / r.height)];
    }

    function box(start, end) {
      var x = Math.min(start[0], end[0]), y = Math.min(start[1], end[1]);
      return [round(x), round(y), round(Math.abs(end[0] - start[0])), round(Math.abs(end[1] - start[1]))];
    }

    stage.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || areas.length >= max) { return; }
      event.preventDefault();
      stage.setPointerCapture(event.pointerId);
      var el = document.createElement("div");
      el.className = "bf-cover-area bf-drawing";
      stage.appendChild(el);
      drawing = { start: at(event), el: el };
      place(el, box(drawing.start, drawing.start));
    });
    stage.addEventListener("pointermove", function (event) {
      if (drawing) { place(drawing.el, box(drawing.start, at(event))); }
    });
    function finish(event, keep) {
      if (!drawing) { return; }
      var a = box(drawing.start, at(event));
      drawing.el.remove();
      drawing = null;
      if (keep && a[2] >= MIN_SIDE && a[3] >= MIN_SIDE && areas.length < max) {
        a[2] = Math.min(a[2], round(1 - a[0]));
        a[3] = Math.min(a[3], round(1 - a[1]));
        areas.push(a);
      }
      render();
    }
    stage.addEventListener("pointerup", function (event) { finish(event, true); });
    stage.addEventListener("pointercancel", function (event) { finish(event, false); });

    document.querySelectorAll('.bf-cover-undo[data-input="' + stage.dataset.input + '"]').forEach(function (b) {
      b.addEventListener("click", function () { areas.pop(); render(); });
    });
    document.querySelectorAll('.bf-cover-clear[data-input="' + stage.dataset.input + '"]').forEach(function (b) {
      b.addEventListener("click", function () { areas = []; render(); });
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".bf-cover-stage").forEach(setup);
  });
})();
