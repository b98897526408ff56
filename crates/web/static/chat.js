// The chat page. On a live update ("portico:live" events of kinds message,
// chat and chat_read) it reloads the dialog list with its unread counters
// from the server (GET /chat/recent), and when the update concerns the open
// dialog it fetches the new or changed messages as server-rendered HTML
// (GET /chat/<dialog>/messages?after=ID or ?id=ID) and puts them in place.
// No HTML is ever built from message text here. Buttons that fill in or send
// a command ([put]/[send] and keyboard PUT/SEND) copy their data-command into
// the message box.
(function () {
  "use strict";

  var KINDS = { message: true, chat: true, chat_read: true };
  var dialogBox = document.getElementById("chat-dialog");
  var dialog = dialogBox ? dialogBox.dataset.dialog : null;
  var chatId = dialogBox ? Number(dialogBox.dataset.chatId) : 0;
  var list = document.getElementById("chat-messages");

  // Server-rendered HTML as nodes (the answer of one of our fragment routes).
  function nodesOf(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) {
        throw new Error("HTTP " + r.status);
      }
      return r.text();
    });
  }

  // One refresh at a time; a request made meanwhile runs once after it.
  function serial(task) {
    var running = false;
    var again = false;
    function run() {
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
      task().catch(function () {}).then(function () {
        running = false;
        if (again) {
          run();
        }
      });
    }
    return run;
  }

  var refreshList = serial(function () {
    var box = document.getElementById("chat-recent-box");
    if (!box) {
      return Promise.resolve();
    }
    var url = "/chat/recent" + (dialog ? "?current=" + encodeURIComponent(dialog) : "");
    return get(url).then(function (html) {
      box.replaceChildren(nodesOf(html));
    });
  });

  function scrollToEnd() {
    if (list) {
      list.scrollTop = list.scrollHeight;
      var last = list.lastElementChild;
      if (last && last.scrollIntoView) {
        last.scrollIntoView({ block: "end" });
      }
    }
  }

  function lastId() {
    var last = 0;
    if (list) {
      list.querySelectorAll("li.chat-message").forEach(function (li) {
        last = Math.max(last, Number(li.dataset.id) || 0);
      });
    }
    return last;
  }

  var fetchNew = serial(function () {
    var url = "/chat/" + encodeURIComponent(dialog) + "/messages?after=" + lastId();
    return get(url).then(function (html) {
      var added = false;
      Array.prototype.forEach.call(nodesOf(html).children, function (li) {
        if (li.id && !document.getElementById(li.id)) {
          list.appendChild(li.cloneNode(true));
          added = true;
        }
      });
      if (added) {
        var empty = document.getElementById("chat-empty");
        if (empty) {
          empty.remove();
        }
        scrollToEnd();
      }
    });
  });

  function refreshMessage(id) {
    var old = document.getElementById("message-" + id);
    if (!old) {
      return;
    }
    var url = "/chat/" + encodeURIComponent(dialog) + "/messages?id=" + id;
    get(url).then(function (html) {
      var fresh = nodesOf(html).firstElementChild;
      if (fresh) {
        old.replaceWith(fresh);
      }
    }).catch(function () {});
  }

  document.addEventListener("portico:live", function (event) {
    var update = event.detail || {};
    if (!KINDS[update.kind]) {
      return;
    }
    refreshList();
    var data = update.data || {};
    if (!dialog || !list || Number(data.chat_id) !== chatId || update.kind === "chat_read") {
      return;
    }
    if (update.kind === "message" && (data.change === "update" || data.change === "delete")) {
      refreshMessage(Number(data.message_id));
    } else {
      fetchNew();
    }
  });

  // [put]/[send] in text and PUT/SEND buttons: fill in (and send) the box.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.chat-put, button.chat-send, button.rt-put, button.rt-send");
    if (!button) {
      return;
    }
    var input = document.getElementById("chat-input");
    if (!input) {
      return;
    }
    input.value = button.dataset.command || "";
    input.focus();
    if (button.classList.contains("chat-send") || button.classList.contains("rt-send")) {
      var form = document.getElementById("chat-send-form");
      if (form && input.value.trim() !== "") {
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
    }
  });

  scrollToEnd();
})();
