// Printed documents: show the 打印 button and let it open the browser's print dialog.
document.querySelectorAll(".js-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
