// Click-to-load YouTube: nothing is requested from YouTube until the resident presses "Phát tại đây".
(function () {
  "use strict";
  document.querySelectorAll(".yt-facade[data-embed]").forEach(function (box) {
    var button = box.querySelector(".yt-load");
    var stage = box.querySelector(".yt-stage");
    if (!button || !stage || !box.dataset.embed) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = box.dataset.embed;
      frame.title = box.dataset.title || "Video YouTube";
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      stage.replaceChildren(frame);
      button.hidden = true;
      frame.focus();
    });
  });
})();
