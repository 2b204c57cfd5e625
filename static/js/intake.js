// The intake form: add and remove worker rows, paste rows copied from Excel straight into the
// table, keep the row count and column headings current, show the oral record only when needed.
// Without JavaScript the same buttons work through the server (add_row, remove_row, paste_rows).
(function () {
  "use strict";
  var form = document.querySelector("form.intake-form");
  if (!form) return;
  var body = document.getElementById("worker-rows");
  var PASTE_ORDER = ["name", "id_number", "phone", "job", "amount_1", "amount_2", "amount_3"];
  var MAX_ROWS = 500;

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr.worker-row"));
  }

  function cellName(input) {
    var match = /^workers-\d+-(.+)$/.exec(input.name || "");
    return match ? match[1] : null;
  }

  function input(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function isBlank(row) {
    return PASTE_ORDER.every(function (name) {
      var field = input(row, name);
      return !field || !field.value.trim();
    });
  }

  function renumber() {
    rows().forEach(function (row, index) {
      row.querySelector(".row-number").textContent = String(index + 1);
      row.querySelectorAll("input, select").forEach(function (field) {
        field.name = field.name.replace(/^workers-\d+-/, "workers-" + index + "-");
        field.id = field.name;
        var label = field.getAttribute("aria-label");
        if (label) field.setAttribute("aria-label", label.replace(/^第\d+行/, "第" + (index + 1) + "行"));
      });
      var remove = row.querySelector(".remove-row");
      remove.value = String(index);
      remove.setAttribute("aria-label", "删除第" + (index + 1) + "行");
    });
    recount();
  }

  function recount() {
    var box = document.getElementById("worker-count");
    var filled = rows().filter(function (row) { return !isBlank(row); }).length;
    box.querySelector(".n").textContent = String(filled);
    box.querySelector(".collective-note").hidden = filled < Number(box.dataset.threshold);
  }

  function clearRow(row) {
    row.querySelectorAll(".error").forEach(function (error) { error.remove(); });
    row.querySelectorAll("input, select").forEach(function (field) {
      field.classList.remove("has-error");
      field.setAttribute("aria-invalid", "false");
      if (field.type === "checkbox") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else field.value = "";
    });
  }

  function addRow() {
    var all = rows();
    if (all.length >= MAX_ROWS) return null;
    var row = all[all.length - 1].cloneNode(true);
    clearRow(row);
    body.appendChild(row);
    renumber();
    return row;
  }

  document.getElementById("add-row").addEventListener("click", function (event) {
    event.preventDefault();
    var row = addRow();
    if (row) input(row, "name").focus();
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-row");
    if (!button) return;
    event.preventDefault();
    var row = button.closest("tr");
    if (rows().length === 1) clearRow(row);
    else row.remove();
    renumber();
  });

  // Rows copied from Excel arrive as lines of tab-separated cells: fill them in from the cell
  // pasted into, adding rows as needed. A single value pastes normally.
  body.addEventListener("paste", function (event) {
    var target = event.target;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!text || !/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return;
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").split("\n").map(function (line) {
      return line.split("\t").map(function (cell) { return cell.trim(); });
    }).filter(function (cells) {
      return cells.some(Boolean) && cells[0].replace(/ /g, "") !== "姓名";
    });
    var start = PASTE_ORDER.indexOf(cellName(target));
    if (start < 0) start = 0;
    var all = rows();
    var index = all.indexOf(target.closest("tr"));
    lines.forEach(function (cells) {
      var row = rows()[index] || addRow();
      if (!row) return;
      cells.forEach(function (value, offset) {
        var name = PASTE_ORDER[start + offset];
        var field = name && input(row, name);
        if (field) field.value = value;
      });
      index += 1;
    });
    recount();
  });

  body.addEventListener("input", recount);

  // Column headings follow the claim kinds chosen above the table.
  form.querySelectorAll('select[name^="claim_kind_"]').forEach(function (select) {
    var column = select.name.slice("claim_kind_".length);
    var head = form.querySelector('th.amount-head[data-column="' + column + '"] .kind');
    select.addEventListener("change", function () {
      head.textContent = select.value ? select.options[select.selectedIndex].text : "未使用";
    });
  });

  // The oral record is needed only for oral applications.
  var oral = form.querySelector(".oral-record");
  var radios = form.querySelectorAll('input[name="application_form"]');
  function toggleOral() {
    var checked = form.querySelector('input[name="application_form"]:checked');
    var keep = oral.classList.contains("has-error") || oral.querySelector("textarea").value.trim();
    oral.hidden = !keep && !(checked && checked.value === "oral");
  }
  radios.forEach(function (radio) { radio.addEventListener("change", toggleOral); });
  toggleOral();

  form.querySelectorAll(".js-hint").forEach(function (hint) { hint.hidden = false; });
})();
