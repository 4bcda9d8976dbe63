// The printable sheet's "In trang này" button (a static file: the site's policy allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("nut-in");
  if (!button || typeof window.print !== "function") return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
