// The bulk payment form: choosing another instalment refills the amounts, a column pasted
// from Excel into any amount spreads down the rows, and the total follows. Without JavaScript
// the form still works: 「按所选期次填入金额」 asks the server, and the paste box takes a column.
(function () {
  "use strict";
  var form = document.querySelector("form.bulk-form");
  if (!form) return;
  var data = JSON.parse(document.getElementById("instalment-amounts").textContent);
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr.bulk-row"));

  function toFen(text) {
    var value = (text || "").normalize("NFKC").replace(/[\s,¥元]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) return null;
    var parts = value.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function parts(row) {
    return { tick: row.querySelector("input[type=checkbox]"), amount: row.querySelector("input.cell") };
  }

  function refresh() {
    var sum = 0;
    rows.forEach(function (row) {
      var p = parts(row);
      if (p.tick.checked) sum += toFen(p.amount.value) || 0;
    });
    document.getElementById("bulk-total").textContent =
      (sum / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  var choice = form.querySelector("select[name='all-instalment']");
  choice.addEventListener("change", function () {
    var amounts = data[choice.value] || {};
    rows.forEach(function (row) {
      var p = parts(row);
      var id = p.tick.name.replace("all-pay-", "");
      p.amount.value = amounts[id] || "";
      p.tick.checked = Boolean(amounts[id]);
    });
    refresh();
  });
  var refill = form.querySelector("[name='all-refill']");
  if (refill) refill.parentNode.hidden = true;  // the select refills the amounts itself

  rows.forEach(function (row, index) {
    var p = parts(row);
    p.amount.addEventListener("paste", function (event) {
      var text = (event.clipboardData || window.clipboardData).getData("text");
      var lines = text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
      if (lines.length < 2) return;
      event.preventDefault();
      lines.forEach(function (line, offset) {
        var target = rows[index + offset];
        if (!target) return;
        var q = parts(target);
        var value = line.split("\t").pop().trim();
        q.amount.value = value;
        q.tick.checked = toFen(value) > 0;
      });
      refresh();
    });
    p.amount.addEventListener("input", function () {
      if (p.amount.value.trim()) p.tick.checked = true;
    });
  });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
