// The print button (no inline scripts: the page's Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
});
