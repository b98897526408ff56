// The Feed page: when a live update of kind "feed" arrives (a post or a
// comment the signed-in user can see was written, changed or deleted), shows
// the notice that offers to load the page again.
(function () {
  "use strict";
  var notice = document.getElementById("feed-live");
  if (!notice) {
    return;
  }
  document.addEventListener("portico:live", function (event) {
    var update = event.detail || {};
    if (update.kind === "feed") {
      notice.hidden = false;
    }
  });
})();
