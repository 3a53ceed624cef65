// Nothing is lost in sending: the courier's whole report, photos included (already shrunk by
// report_new.js), stays on this phone (IndexedDB) until the server confirms it. A send that fails
// (no network, a timeout, a server error) stays as "待发送" and goes again when the connection
// returns, when the form or any page of the courier is opened, or on "Send now".
// Each draft carries a random key; the server answers a second send of the same key with the first
// report (issues.workflow.submit_report), so a retry never makes two reports.
// Drafts belong to the signed-in courier: another courier's are never shown and are purged, and
// signing out clears them (a shared phone never shows someone else's draft).
// Loaded from _nav.html for signed-in couriers; without IndexedDB or fetch the form posts as before.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.indexedDB || !window.fetch || !window.FormData || !window.Promise) return;
  var OWNER = script.getAttribute("data-owner");
  var SEND_URL = script.getAttribute("data-send-url");
  var DONE = /\/report\/\d+\/done\/?$/;
  var TIMEOUT_MS = 60000;
  var zh = (document.documentElement.lang || "zh-Hans").indexOf("zh") === 0;
  var t = function (cn, en) { return zh ? cn : en; };
  var sending = {};

  // --- The outbox (IndexedDB) ------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = window.indexedDB.open("beefeed-drafts", 1);
        req.onupgradeneeded = function () { req.result.createObjectStore("outbox", { keyPath: "key" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function store(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction("outbox", mode);
        var result = work(tx.objectStore("outbox"));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function all() { return store("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); }
  function put(draft) { return store("readwrite", function (s) { s.put(draft); }); }
  function remove(key) { return store("readwrite", function (s) { s.delete(key); }); }
  function clearAll() { return store("readwrite", function (s) { s.clear(); }); }

  // Only this courier's drafts; anyone else's are removed from the phone.
  function mine() {
    return all().then(function (drafts) {
      var own = [];
      drafts.forEach(function (d) { if (d.owner === OWNER) own.push(d); else remove(d.key); });
      return own.sort(function (a, b) { return a.savedAt - b.savedAt; });
    });
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Sending ----------------------------------------------------------------------------------
  // Resolves with {outcome: "sent", url} | {outcome: "offline"} | {outcome: "refused", status}.
  function send(draft) {
    var body = new FormData();
    draft.fields.forEach(function (f) { if (f[0] !== "csrfmiddlewaretoken") body.append(f[0], f[1]); });
    draft.photos.forEach(function (p) { body.append("photos", p.blob, p.name); });
    body.append("csrfmiddlewaretoken", csrfToken());
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(SEND_URL, {
      method: "POST", body: body, credentials: "same-origin", signal: controller ? controller.signal : undefined,
    }).then(function (r) {
      clearTimeout(timer);
      if (r.ok && DONE.test(new URL(r.url).pathname)) {
        // The "report received" page names the reference (BF…): the courier is told which one arrived.
        return r.text().then(function (html) {
          var found = new DOMParser().parseFromString(html, "text/html").querySelector(".reference");
          return { outcome: "sent", url: r.url, reference: found ? found.textContent.trim() : "" };
        }, function () { return { outcome: "sent", url: r.url, reference: "" }; });
      }
      if (r.status >= 500 || r.status === 429 || r.ok) return { outcome: "offline", status: r.status };
      return { outcome: "refused", status: r.status };
    }, function () {
      clearTimeout(timer);
      return { outcome: "offline" };
    });
  }

  // Sends every pending draft of this courier once; a draft is removed only once the server confirms it.
  function flush() {
    return mine().then(function (drafts) {
      var jobs = drafts.filter(function (d) { return d.status !== "refused" && !sending[d.key]; }).map(function (d) {
        sending[d.key] = true;
        render();
        return send(d).then(function (answer) {
          delete sending[d.key];
          if (answer.outcome === "sent") { sentNow.push(answer); return remove(d.key); }
          if (answer.outcome === "refused") { d.status = "refused"; return put(d); }
        });
      });
      return Promise.all(jobs);
    }).then(render, render);
  }

  // --- The outbox on the page ---------------------------------------------------------------------
  var box = null;
  var sentNow = [];
  var thumbs = [];
  function render() {
    return mine().then(function (drafts) {
      var main = document.getElementById("main");
      if (!main) return;
      if (!box) {
        box = document.createElement("section");
        box.id = "drafts-outbox";
        box.className = "notice-box drafts-outbox";
        box.setAttribute("role", "status");
        box.setAttribute("aria-live", "polite");
        main.insertBefore(box, main.firstChild);
      }
      thumbs.forEach(function (u) { URL.revokeObjectURL(u); });
      thumbs = [];
      box.textContent = "";
      if (sentNow.length) {
        var ok = document.createElement("p");
        ok.className = "drafts-sent";
        ok.style.margin = "0";
        ok.textContent = t("已发送 " + sentNow.length + " 件保存在手机上的报告：", sentNow.length + " saved report(s) sent: ");
        sentNow.forEach(function (answer, i) {
          var link = document.createElement("a");
          link.href = answer.url;
          link.textContent = answer.reference || t("查看", "view");
          if (i) ok.appendChild(document.createTextNode(t("、", ", ")));
          ok.appendChild(link);
        });
        box.appendChild(ok);
      }
      box.hidden = !drafts.length && !sentNow.length;
      if (!drafts.length) return;
      var pending = drafts.filter(function (d) { return d.status !== "refused"; }).length;
      var head = document.createElement("p");
      head.style.marginTop = "0";
      var strong = document.createElement("strong");
      strong.className = "drafts-count";
      strong.textContent = t("待发送 " + pending + " 件", pending + " waiting to be sent");
      head.appendChild(strong);
      head.appendChild(document.createTextNode(" " + t(
        "报告保存在这部手机上，网络恢复后会自动发送。",
        "The report is kept on this phone and is sent when the connection returns.")));
      box.appendChild(head);
      var list = document.createElement("ul");
      list.className = "drafts-list";
      drafts.forEach(function (d) {
        var li = document.createElement("li");
        li.className = "draft-item";
        if (d.photos[0]) {
          var img = document.createElement("img");
          var url = URL.createObjectURL(d.photos[0].blob);
          thumbs.push(url);
          img.src = url;
          img.alt = t("报告照片", "Report photo");
          img.width = 56;
          img.className = "thumb";
          li.appendChild(img);
        }
        var state = sending[d.key] ? t("正在发送…", "Sending…")
          : d.status === "refused" ? t("未能发送：服务器没有接受，请删除后重新填写", "Not accepted by the server: delete it and report again")
          : t("待发送", "Waiting to be sent");
        li.appendChild(document.createTextNode(" " + (d.category || "") + " · " + d.summary + " · "));
        var s = document.createElement("span");
        s.className = "draft-state";
        s.textContent = state;
        li.appendChild(s);
        if (d.status === "refused") {
          var del = document.createElement("button");
          del.type = "button";
          del.className = "linklike";
          del.textContent = t("删除", "Delete");
          del.addEventListener("click", function () { remove(d.key).then(render); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(del);
        }
        list.appendChild(li);
      });
      box.appendChild(list);
      if (pending) {
        var again = document.createElement("button");
        again.type = "button";
        again.className = "btn";
        again.textContent = t("现在发送", "Send now");
        again.addEventListener("click", flush);
        box.appendChild(again);
      }
    });
  }

  // --- The report form: every send goes through the outbox ---------------------------------------
  var form = document.getElementById("report-form");
  if (form) {
    var button = form.querySelector(".btn-send");
    var label = button ? button.textContent : "";
    var failed = document.createElement("p");
    failed.className = "error-box";
    failed.setAttribute("role", "alert");
    failed.hidden = true;
    form.insertBefore(failed, form.firstChild);

    window.addEventListener("pageshow", function () { form.removeAttribute("data-native"); });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-native") === "1") return;
      event.preventDefault();
      var keyInput = form.elements.client_key;
      if (keyInput && !/^[0-9a-f-]{36}$/i.test(keyInput.value)) keyInput.value = newKey();
      var fields = [];
      var photos = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") fields.push([name, value]);
        else if (value && value.size) photos.push({ name: value.name || "photo.jpg", type: value.type, blob: value });
      });
      var checked = form.querySelector("input[name=category]:checked");
      var chosen = checked && checked.labels && checked.labels[0] ? checked.labels[0].textContent.trim() : "";
      var text = form.elements.description ? form.elements.description.value.trim() : "";
      var draft = {
        key: keyInput ? keyInput.value : newKey(), owner: OWNER, savedAt: Date.now(), fields: fields,
        photos: photos, category: chosen, summary: text.length > 40 ? text.slice(0, 40) + "…" : text, status: "pending",
      };
      failed.hidden = true;
      put(draft).then(function () {
        sending[draft.key] = true;
        return send(draft);
      }, function () {
        return { outcome: "native" };  // storage full or refused: post the form as before
      }).then(function (answer) {
        delete sending[draft.key];
        if (answer.outcome === "sent") {
          return remove(draft.key).then(function () { window.location.assign(answer.url); });
        }
        if (answer.outcome === "offline") {
          // Kept on the phone: the form is emptied for the next report, the outbox shows this one.
          try { window.localStorage.removeItem("beefeed-report-draft"); } catch (e) { /* no storage */ }
          form.reset();
          if (keyInput) keyInput.value = "";
          form.querySelectorAll(".photo-preview").forEach(function (img) { img.hidden = true; img.removeAttribute("src"); });
          form.querySelectorAll(".photo-slot").forEach(function (slot, i) { slot.classList.remove("has-photo"); slot.hidden = i > 0; });
          failed.textContent = t(
            "没有发送成功（网络不通或服务器暂时无法访问）。报告和照片已保存在这部手机上，网络恢复后会自动发送。",
            "Not sent (no connection, or the server is briefly unavailable). The report and its photos are kept on this phone and are sent when the connection returns.");
          failed.hidden = false;
          if (button) { button.disabled = false; button.textContent = label; }
          render();
          failed.scrollIntoView({ block: "start" });
          return;
        }
        // The server answered with a refusal (a mistake in the form, too many reports, ...):
        // the form is posted as before, so the server's page says what to change.
        var drop = answer.outcome === "refused" ? remove(draft.key) : Promise.resolve();
        return drop.then(function () {
          form.setAttribute("data-native", "1");
          HTMLFormElement.prototype.submit.call(form);
        });
      });
    });
  }

  // --- Signing out clears the drafts of this phone ---------------------------------------------------
  document.querySelectorAll("form[data-signout]").forEach(function (signout) {
    signout.addEventListener("submit", function (event) {
      if (signout.getAttribute("data-cleared") === "1") return;
      event.preventDefault();
      mine().then(function (drafts) {
        var waiting = drafts.filter(function (d) { return d.status !== "refused"; }).length;
        if (waiting && !window.confirm(t(
          "还有 " + waiting + " 件报告没有发送。退出后，这些报告会从这部手机上删除。确定退出？",
          waiting + " report(s) not yet sent. Signing out deletes them from this phone. Sign out?"))) return;
        return clearAll().then(function () {
          signout.setAttribute("data-cleared", "1");
          HTMLFormElement.prototype.submit.call(signout);
        });
      }).catch(function () { HTMLFormElement.prototype.submit.call(signout); });
    });
  });

  window.addEventListener("online", flush);
  flush();
})();
