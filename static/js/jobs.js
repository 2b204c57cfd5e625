// The job page's progress bar: polls the job's progress (JSON) and moves the bar, the rows
// done of total and the time left; once done, shows the download, or goes to the job's result
// page (an import's summary, a checked ledger's preview). Without JavaScript the page
// shows the progress as of its loading, and a reload shows the latest.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-progress-url");
  var $ = function (id) { return document.getElementById(id); };
  var number = function (n) { return n.toLocaleString("en-US"); };

  function left(seconds) {
    if (seconds === null || seconds === undefined) return "";
    if (seconds < 60) return "预计剩余 " + seconds + " 秒";
    return "预计剩余 " + Math.floor(seconds / 60) + " 分 " + (seconds % 60) + " 秒";
  }

  function show(p) {
    $("job-state").textContent = p.state_label + (p.cancel_requested && !p.finished ? "（正在取消）" : "");
    $("job-bar").value = p.percent;
    $("job-bar").textContent = p.percent + "%";
    $("job-percent").textContent = p.percent + "%";
    $("job-rows").textContent = p.rows_total === null ? "" :
      "已处理 " + number(p.rows_done) + " / " + number(p.rows_total);
    $("job-left").textContent = left(p.seconds_left);
    $("job-error").textContent = p.error;
    $("job-error").hidden = !p.error;
    if (p.download_url) {
      $("job-download-link").href = p.download_url;
      $("job-download").hidden = false;
    }
    $("job-cancel").hidden = p.finished;
    if (p.result_url) window.location.assign(p.result_url);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (p) {
        show(p);
        if (!p.finished) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  poll();
})();
