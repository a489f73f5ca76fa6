/*!
 * Tandem embed snippet. One script tag, then:
 *
 *   const handle = Tandem.mount(element, { document: 'DOCUMENT_ID', getToken: async () => token });
 *   handle.on('ready', (detail) => ...); handle.on('saved', ...); handle.on('error', (detail) => ...);
 *
 * It creates an iframe to <Tandem>/embed/<document>, answers the frame's token requests with
 * getToken() (by postMessage, addressed to Tandem's origin only, never in a URL), sizes the
 * iframe to its content, and reports the frame's events. See docs/EMBED.md.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var defaultOrigin = script && script.src ? new URL(script.src).origin : null;
  var EVENTS = ['ready', 'saved', 'error'];

  function mount(element, options) {
    if (!element || !element.appendChild) throw new TypeError('Tandem.mount: pass the element to put the document in.');
    if (!options || typeof options.document !== 'string' || !options.document) throw new TypeError('Tandem.mount: options.document must be the document id.');
    if (typeof options.getToken !== 'function') throw new TypeError('Tandem.mount: options.getToken must be a function returning a token (or a promise of one).');
    var appOrigin = options.origin ? new URL(options.origin).origin : defaultOrigin;
    if (!appOrigin) throw new TypeError('Tandem.mount: cannot tell where Tandem is; pass options.origin.');

    var listeners = { ready: [], saved: [], error: [] };
    var iframe = document.createElement('iframe');
    iframe.src = appOrigin + '/embed/' + encodeURIComponent(options.document);
    iframe.title = options.title || 'Tandem document';
    iframe.setAttribute('allow', 'clipboard-read; clipboard-write');
    iframe.style.width = '100%';
    iframe.style.border = '0';
    iframe.style.height = (options.minHeight || 240) + 'px';
    iframe.style.display = 'block';

    function emit(name, detail) {
      var fns = listeners[name].slice();
      for (var i = 0; i < fns.length; i++) {
        try {
          fns[i](detail || {});
        } catch (e) {
          setTimeout(function () { throw e; });
        }
      }
    }

    function sendToken() {
      Promise.resolve()
        .then(function () { return options.getToken(); })
        .then(function (token) {
          if (typeof token !== 'string' || !token) throw new Error('getToken did not return a token');
          iframe.contentWindow.postMessage({ type: 'tandem:token', token: token }, appOrigin);
        })
        .catch(function (err) {
          var message = (err && err.message) || String(err);
          iframe.contentWindow.postMessage({ type: 'tandem:token-error', message: message }, appOrigin);
          emit('error', { reason: 'token', message: 'getToken failed: ' + message });
        });
    }

    function onMessage(e) {
      if (e.source !== iframe.contentWindow || e.origin !== appOrigin) return;
      var m = e.data;
      if (!m || typeof m.type !== 'string') return;
      switch (m.type) {
        case 'tandem:token-request':
          sendToken();
          break;
        case 'tandem:resize':
          if (typeof m.height === 'number' && m.height > 0 && !options.fixedHeight) iframe.style.height = Math.ceil(m.height) + 'px';
          break;
        case 'tandem:event':
          if (EVENTS.indexOf(m.name) >= 0) emit(m.name, m.detail);
          break;
      }
    }

    window.addEventListener('message', onMessage);
    element.appendChild(iframe);

    return {
      iframe: iframe,
      on: function (name, fn) {
        if (EVENTS.indexOf(name) < 0) throw new TypeError('Tandem: unknown event ' + name + ' (ready, saved, error)');
        listeners[name].push(fn);
        return function () { listeners[name] = listeners[name].filter(function (f) { return f !== fn; }); };
      },
      destroy: function () {
        window.removeEventListener('message', onMessage);
        if (iframe.parentNode) iframe.parentNode.removeChild(iframe);
      },
    };
  }

  window.Tandem = { mount: mount };
})();
