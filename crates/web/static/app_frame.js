// An application page's frame: posts the hidden frame form into the iframe
// and answers the messages the application's BX24.js (or b24jssdk) sends the
// parent window. Messages are accepted only from the frame's window, from the
// application's origin, and carrying this render's APP_SID.
(function () {
  'use strict';
  var box = document.getElementById('app-frame');
  var form = document.getElementById('app-frame-form');
  var frame = document.getElementById('app-frame-window');
  if (!box || !form || !frame) {
    return;
  }
  var origin = box.getAttribute('data-origin');
  var sid = box.getAttribute('data-app-sid');
  var installing = box.getAttribute('data-install') === '1';
  var finished = false;

  function field(name) {
    var input = form.querySelector('input[name="' + name + '"]');
    return input ? input.value : '';
  }

  // BX24.js sends "command:params:callback:APP_SID" (params JSON, possibly
  // empty or left out); b24jssdk may send {method, params, callback, appSid}.
  function parse(data) {
    if (data && typeof data === 'object') {
      return {
        command: String(data.method || ''),
        params: data.params || null,
        callback: data.callback ? String(data.callback) : '',
        sid: data.appSid ? String(data.appSid) : ''
      };
    }
    if (typeof data !== 'string') {
      return null;
    }
    var parts = data.split(':');
    if (parts.length < 3) {
      return null;
    }
    var command = parts[0];
    var messageSid = parts[parts.length - 1];
    var callback = parts[parts.length - 2];
    var raw = parts.slice(1, parts.length - 2).join(':');
    var params = null;
    if (raw) {
      try {
        params = JSON.parse(raw);
      } catch (e) {
        params = raw;
      }
    }
    return { command: command, params: params, callback: callback, sid: messageSid };
  }

  function reply(callback, data) {
    if (callback && frame.contentWindow) {
      frame.contentWindow.postMessage(callback + ':' + JSON.stringify(data === undefined ? {} : data), origin);
    }
  }

  function placementOptions() {
    try {
      return JSON.parse(field('PLACEMENT_OPTIONS') || '{}');
    } catch (e) {
      return {};
    }
  }

  function initData() {
    return {
      DOMAIN: box.getAttribute('data-domain'),
      PROTOCOL: box.getAttribute('data-protocol') === '1' ? 1 : 0,
      PATH: '/rest/',
      LANG: new URL(form.action).searchParams.get('LANG') || 'en',
      AUTH_ID: field('AUTH_ID'),
      AUTH_EXPIRES: field('AUTH_EXPIRES'),
      REFRESH_ID: field('REFRESH_ID'),
      MEMBER_ID: field('member_id'),
      IS_ADMIN: box.getAttribute('data-admin') === '1',
      APP_OPTIONS: {},
      USER_OPTIONS: {},
      PLACEMENT: field('PLACEMENT'),
      PLACEMENT_OPTIONS: placementOptions(),
      INSTALL: installing,
      FIRST_RUN: false
    };
  }

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow || event.origin !== origin) {
      return;
    }
    var message = parse(event.data);
    if (!message || message.sid !== sid) {
      return;
    }
    switch (message.command) {
      case 'getInitData':
        reply(message.callback, initData());
        break;
      case 'setInstallFinish':
        if (installing && !finished) {
          finished = true;
          reply(message.callback, {});
          var done = document.getElementById('app-installed-form');
          if (done) {
            done.submit();
          }
        }
        break;
      case 'resizeWindow':
        if (message.params && Number(message.params.height) > 0) {
          frame.style.height = Math.min(Number(message.params.height), 10000) + 'px';
        }
        reply(message.callback, {});
        break;
      case 'setTitle':
        if (message.params && typeof message.params.title === 'string') {
          document.title = message.params.title;
        }
        reply(message.callback, {});
        break;
      case 'reloadWindow':
        window.location.reload();
        break;
      default:
        break;
    }
  });

  form.submit();
})();
