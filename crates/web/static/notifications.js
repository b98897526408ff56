// The bell of the top bar and the Notifications page, kept up to date from
// the "notify" live updates that live.js passes on: the bell shows the new
// unread count the update carries; the Notifications page fetches its list
// again from the server (GET /notifications/items, rendered and escaped
// there; no HTML is built here) and puts it in place of the old one.
(function () {
  "use strict";
  var fetching = false;
  var again = false;

  function showCount(unread) {
    var count = document.getElementById("bell-count");
    if (!count) {
      return;
    }
    count.textContent = String(unread);
    count.setAttribute("data-count", String(unread));
    count.hidden = unread <= 0;
  }

  function refreshList() {
    if (!document.getElementById("notification-list")) {
      return;
    }
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    again = false;
    fetch("/notifications/items" + window.location.search, {
      credentials: "same-origin",
      headers: { Accept: "text/html" }
    })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var current = document.getElementById("notification-list");
        if (html === null || !current) {
          return;
        }
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.getElementById("notification-list");
        if (fresh) {
          current.replaceWith(document.importNode(fresh, true));
        }
      })
      .catch(function () {})
      .then(function () {
        fetching = false;
        if (again) {
          refreshList();
        }
      });
  }

  document.addEventListener("portico:live", function (event) {
    var update = event.detail || {};
    if (update.kind !== "notify" || !update.data) {
      return;
    }
    if (typeof update.data.unread === "number") {
      showCount(update.data.unread);
    }
    refreshList();
  });
})();
