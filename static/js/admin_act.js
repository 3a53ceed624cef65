// The form of one move in the admin (templates/admin/issues/report/act.html).
// Reply templates become buttons: a tap puts the text into the field, where it can still be edited
// (another tap swaps it while the field holds only a template; typed words are never overwritten).
// The chosen photo is shown before sending. Without JavaScript the templates are text to copy.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".bf-replies"), function (box) {
    var field = document.getElementById(box.getAttribute("data-for"));
    if (!field) return;
    var caption = box.querySelector(".bf-replies-caption");
    if (caption && caption.getAttribute("data-tap")) caption.textContent = caption.getAttribute("data-tap");
    var inserted = null;
    Array.prototype.forEach.call(box.querySelectorAll("li"), function (item) {
      var text = item.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "bf-chip";
      button.textContent = text;
      button.addEventListener("click", function () {
        var current = field.value.trim();
        var swap = current === "" || current === inserted;
        field.value = swap ? text : current + "\n" + text;
        inserted = swap ? text : null; // once words are typed, a further tap only adds
        field.dispatchEvent(new Event("input", { bubbles: true }));
      });
      item.textContent = "";
      item.appendChild(button);
    });
    box.classList.add("bf-replies-live");
  });

  var form = document.querySelector(".bf-act-form");
  if (!form) return;
  Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
    var preview = document.createElement("img");
    preview.className = "bf-photo-preview";
    preview.alt = form.getAttribute("data-preview-alt") || "";
    preview.hidden = true;
    input.insertAdjacentElement("afterend", preview);
    var url = null;
    preview.addEventListener("error", function () { preview.hidden = true; });
    input.addEventListener("change", function () {
      if (url) URL.revokeObjectURL(url);
      var file = input.files && input.files[0];
      url = file ? URL.createObjectURL(file) : null;
      preview.hidden = !url;
      if (url) preview.src = url; else preview.removeAttribute("src");
    });
  });
})();
