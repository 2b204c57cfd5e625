// The agreement form: live totals and adding instalment rows without a round trip.
// Without JavaScript the form still works: the server adds rows and computes the totals.
(function () {
  "use strict";
  var form = document.querySelector("form.agreement-form");
  if (!form) return;

  function toFen(text) {
    var value = (text || "").normalize("NFKC").replace(/[\s,¥元]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) return null;
    var parts = value.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function yuan(fen) {
    return (fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function total(kind) {
    var sum = 0;
    form.querySelectorAll('input[data-sum="' + kind + '"]').forEach(function (input) {
      sum += toFen(input.value) || 0;
    });
    return sum;
  }

  function refresh() {
    var agreed = total("agreed");
    var agreedCell = document.getElementById("agreed-total");
    agreedCell.textContent = yuan(agreed);
    document.getElementById("schedule-total").textContent = yuan(total("schedule"));
    var stale = document.getElementById("capital-stale");
    stale.hidden = String(agreed) === agreedCell.dataset.rendered;
  }

  // The per-worker schedule: each worker's total against their agreed amount.
  function refreshPlans() {
    form.querySelectorAll("tr.worker-plan").forEach(function (row) {
      var id = row.dataset.worker;
      var cell = document.getElementById("plan-total-" + id);
      var sum = total("plan-" + id);
      var owed = 0;
      form.querySelectorAll('tr[data-owner="' + id + '"] input[data-sum="agreed"]').forEach(function (input) {
        owed += toFen(input.value) || 0;
      });
      cell.textContent = yuan(sum);
      cell.classList.toggle("mismatch", sum !== owed);
    });
  }

  // Show the schedule the chosen mode uses; without JavaScript both are shown.
  var modes = form.querySelectorAll('input[name="schedule_mode"]');
  function showMode() {
    var perWorker = form.querySelector('input[name="schedule_mode"][value="per_worker"]').checked;
    document.getElementById("schedule-per-worker").hidden = !perWorker;
    document.getElementById("add-instalment").hidden = false;
    refreshPlans();
  }
  modes.forEach(function (radio) { radio.addEventListener("change", showMode); });
  showMode();

  form.addEventListener("input", function () { refresh(); refreshPlans(); });

  var add = document.getElementById("add-instalment");
  var body = document.getElementById("instalment-rows");
  add.addEventListener("click", function (event) {
    // The per-worker schedule gains its column from the server (the form is sent back).
    if (form.querySelector('input[name="schedule_mode"][value="per_worker"]').checked) return;
    event.preventDefault();
    var rows = body.querySelectorAll("tr.instalment-row");
    var row = rows[rows.length - 1].cloneNode(true);
    var index = rows.length;
    row.querySelectorAll(".error").forEach(function (error) { error.remove(); });
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/^instalments-\d+-/, "instalments-" + index + "-");
      input.id = input.name;
      input.value = "";
      input.classList.remove("has-error");
      input.setAttribute("aria-invalid", "false");
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/第\d+期/, "第" + (index + 1) + "期"));
    });
    row.querySelector(".period").textContent = "第" + (index + 1) + "期";
    body.appendChild(row);
    row.querySelector("input").focus();
    refresh();
  });
})();
