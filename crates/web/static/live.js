// Live updates of a signed-in page: listens to /live (server-sent events; the
// browser reconnects by itself and resumes with Last-Event-ID) and passes each
// update on as a "portico:live" event of the document, whose detail is
// {kind, data}. Pages listen for the kinds they show.
(function () {
  "use strict";
  if (!window.EventSource) {
    return;
  }
  // Start after the last update the page was rendered with (the browser sends
  // Last-Event-ID itself when it reconnects after an update).
  var after = document.body && document.body.dataset.liveAfter;
  var source = new EventSource(after ? "/live?after=" + encodeURIComponent(after) : "/live");
  source.onopen = function () {
    document.documentElement.dataset.live = "open";
  };
  source.onmessage = function (message) {
    var update;
    try {
      update = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    document.dispatchEvent(new CustomEvent("portico:live", { detail: update }));
  };
})();
