// The same problem, already reported nearby: as soon as the form knows the category and the position
// (report_new.js asks /report/nearby/ and tells us with a "beefeed:nearby" event), the open reports of
// that category within 50 m are shown above the description, each with "是同一个问题 +1": the courier
// becomes its co-reporter and no new report is made (issues.plusone). "不是，继续上报" hides the panel.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var panel = document.getElementById("duplicates");
  if (!form || !panel) return;
  var zh = (document.documentElement.lang || "zh-Hans").indexOf("zh") === 0;
  var t = function (cn, en) { return zh ? cn : en; };
  var list = panel.querySelector("ul");
  var dismissed = false;

  function field(name) {
    var el = form.querySelector("input[name=" + name + "]" + (name === "category" ? ":checked" : ""));
    return el ? el.value : "";
  }

  // A form of its own, outside the report form (forms do not nest), with what the form showed it for.
  function plusOne(id, button) {
    var post = document.createElement("form");
    post.method = "post";
    post.action = panel.getAttribute("data-plusone-url").replace("/0/", "/" + encodeURIComponent(id) + "/");
    var values = {
      csrfmiddlewaretoken: form.querySelector("input[name=csrfmiddlewaretoken]").value,
      category: field("category"),
      lat: field("latitude"),
      lng: field("longitude")
    };
    Object.keys(values).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = values[name];
      post.appendChild(input);
    });
    button.disabled = true;
    button.textContent = t("正在记录…", "Recording…");
    document.body.appendChild(post);
    post.submit();
  }

  function render(duplicates) {
    list.textContent = "";
    duplicates.forEach(function (d) {
      // Only what the public may see: reference, state, a rounded distance, a photo once published.
      var li = document.createElement("li");
      li.className = "duplicate";
      if (d.thumbnail) {
        var img = document.createElement("img");
        img.src = d.thumbnail;
        img.alt = "";
        img.width = 48;
        img.height = 48;
        img.className = "thumb";
        li.appendChild(img);
      }
      var text = document.createElement("span");
      text.className = "duplicate-text";
      text.textContent = d.reference + " · " + d.state + " · " + d.distance;  // the category is the one chosen
      li.appendChild(text);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-primary btn-plusone";
      button.textContent = t("是同一个问题 +1", "The same problem +1");
      button.setAttribute("aria-label", t("是同一个问题 +1：", "The same problem +1: ") + d.reference);
      button.addEventListener("click", function () { plusOne(d.id, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
    panel.hidden = dismissed || !duplicates.length;
  }

  form.addEventListener("beefeed:nearby", function (event) {
    render((event.detail && event.detail.duplicates) || []);
  });
  var no = document.getElementById("duplicates-no");
  if (no) no.addEventListener("click", function () {
    dismissed = true;
    panel.hidden = true;
    var description = form.querySelector("textarea[name=description]");
    if (description) description.focus();
  });
})();
