// The trainee guide (templates/training/guide.html).

// "In / Lưu PDF": shown only when scripts run.
document.querySelectorAll("[data-hdhv-in]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

// A link to one exercise (…/huong-dan-hoc-vien/#banner) lands on it once the admin's layout has settled: the
// browser jumps to the section before the sidebar and the pictures have taken their place.
window.addEventListener("load", () => {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (target) target.scrollIntoView();
});
