// The triage desk (issues/desk.py): 派单 or 不予受理 from a row of the queue without leaving it.
// Each row's form is sent with fetch; the answer (JSON) replaces the row by one line, or shows
// why it was refused in the row. Enter on a row's select sends it; after a decision the focus
// moves to the next row's organization. Without this script the forms post and come back.
(function () {
  "use strict";
  var holder = document.querySelector(".bf-desk-forms");
  if (!holder || !window.fetch || !window.FormData) { return; }
  var offline = holder.getAttribute("data-offline");

  function deskOf(form) {
    return document.querySelector('.bf-desk[data-report="' + form.getAttribute("data-report") + '"]');
  }

  function nextDesk(row) {
    for (var next = row.nextElementSibling; next; next = next.nextElementSibling) {
      var select = next.querySelector(".bf-desk select");
      if (select) { return select; }
    }
    return null;
  }

  function busy(desk, on) {
    desk.classList.toggle("bf-desk-busy", on);
    desk.querySelectorAll("button").forEach(function (button) { button.disabled = on; });
  }

  function done(desk, message) {
    var row = desk.closest("tr");
    var next = nextDesk(row);
    var cell = document.createElement("td");
    cell.colSpan = row.cells.length;
    cell.className = "bf-desk-done";
    cell.setAttribute("role", "status");
    cell.tabIndex = -1;
    cell.textContent = "✓ " + message;
    row.replaceChildren(cell);
    row.classList.remove("selected");
    (next || cell).focus();
  }

  function refused(desk, message) {
    busy(desk, false);
    var note = desk.querySelector(".bf-desk-msg");
    note.textContent = message;
    desk.querySelector("select").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("bf-desk-form")) { return; }
    var desk = deskOf(form);
    if (!desk) { return; }
    event.preventDefault();
    if (desk.classList.contains("bf-desk-busy")) { return; }
    busy(desk, true);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.ok) { done(desk, answer.message); } else { refused(desk, answer.message); }
      })
      .catch(function () { refused(desk, offline); });
  });

  document.querySelectorAll(".bf-desk").forEach(function (desk) {
    // Choosing an organization here is not an unsaved list edit (Django's actions.js would warn so).
    desk.addEventListener("change", function (event) { event.stopPropagation(); });
    // Enter on a select sends its form, as Enter in a text field does.
    desk.addEventListener("keydown", function (event) {
      var select = event.target;
      if (event.key !== "Enter" || select.tagName !== "SELECT" || !select.form) { return; }
      event.preventDefault();
      select.form.requestSubmit();
    });
  });
})();
