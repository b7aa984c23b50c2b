// Benchmark host page: measures, in the page, what a host pays for a survey widget.
// Loaded before any widget code. The Node driver (bench/run.mjs) calls window.bench.*.
(function () {
  'use strict';

  // Long tasks (>= 50 ms on the main thread), from the page's start on.
  var longTasks = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { longTasks.push({ start: e.startTime, duration: e.duration }); });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { /* not supported: reported as null */ }

  function longTasksBetween(from, to) {
    var inside = longTasks.filter(function (t) { return t.start + t.duration > from && t.start < to; });
    return {
      count: inside.length,
      longest_ms: inside.reduce(function (m, t) { return Math.max(m, t.duration); }, 0),
    };
  }

  // Test hook, only on this page: keep the WebAssembly instance the widget creates, to read
  // its memory size. The widget's own code is unchanged.
  var instances = [];
  var keep = function (result) {
    var instance = result && (result.instance || result);
    if (instance && instance.exports) instances.push(instance);
    return result;
  };
  var streaming = WebAssembly.instantiateStreaming;
  if (streaming) {
    WebAssembly.instantiateStreaming = function () { return streaming.apply(WebAssembly, arguments).then(keep); };
  }
  var instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function () { return instantiate.apply(WebAssembly, arguments).then(keep); };

  function wasmMemoryBytes() {
    for (var i = 0; i < instances.length; i++) {
      var exports = instances[i].exports;
      for (var name in exports) {
        if (exports[name] instanceof WebAssembly.Memory) return exports[name].buffer.byteLength;
      }
    }
    return null;
  }

  function heap() {
    if (typeof window.gc === 'function') window.gc();
    return performance.memory ? performance.memory.usedJSHeapSize : null;
  }

  function nextFrame() {
    return new Promise(function (resolve) { requestAnimationFrame(function () { resolve(performance.now()); }); });
  }

  var events = [];
  var waiters = [];
  function record(name) {
    return function (payload) {
      events.push({ name: name, at: performance.now(), payload: payload });
      waiters = waiters.filter(function (w) { if (w.name !== name) return true; w.resolve(performance.now()); return false; });
    };
  }

  window.bench = {
    longTasksBetween: longTasksBetween,
    wasmMemoryBytes: wasmMemoryBytes,
    heap: heap,
    events: events,
    waitFor: function (name) {
      var seen = events.filter(function (e) { return e.name === name; })[0];
      if (seen) return Promise.resolve(seen.at);
      return new Promise(function (resolve) { waiters.push({ name: name, resolve: resolve }); });
    },

    // Script tag inserted -> ready. The page uses the documented command queue; "ready" is
    // taken in a microtask queued when the loader replaces the queue function with the real
    // `nps`, so it runs right after the loader has replayed the queued commands (the `on`
    // listeners and `init`): the module and the wasm are fetched, compiled and instantiated,
    // and the widget is initialised.
    loadOurs: function (config) {
      return new Promise(function (resolve, reject) {
        var heapBefore = heap();
        var queueFn = function () { (queueFn.q = queueFn.q || []).push(arguments); };
        var current = queueFn;
        var t0;
        Object.defineProperty(window, 'nps', {
          configurable: true,
          get: function () { return current; },
          set: function (value) {
            current = value;
            if (typeof value === 'function' && !value.q) {
              queueMicrotask(function () {
                var t1 = performance.now();
                Object.defineProperty(window, 'nps', { configurable: true, writable: true, value: current });
                resolve({ t0: t0, ready_ms: t1 - t0, readyAt: t1, heapBefore: heapBefore });
              });
            }
          },
        });
        ['shown', 'score', 'response', 'dismissed', 'ineligible', 'error'].forEach(function (name) {
          window.nps('on', name, record(name));
        });
        window.nps('init', config);
        var script = document.createElement('script');
        script.async = true;
        script.src = '/nps-widget/nps-widget.js';
        script.onerror = function () { reject(new Error('nps-widget.js failed to load')); };
        setTimeout(function () { reject(new Error('the widget was not ready within 15 s')); }, 15000);
        t0 = performance.now();
        document.head.appendChild(script);
      });
    },

    // show({ force: true }) -> the card is in the page (synchronous call) -> the next
    // animation frame after the insertion (the frame that paints it).
    showOurs: function () {
      var t0 = performance.now();
      window.nps('show', { force: true });
      var t1 = performance.now();
      var host = document.querySelector('nps-widget');
      if (!host) return Promise.reject(new Error('no card after show({ force: true })'));
      return nextFrame().then(function (t2) {
        return { t0: t0, call_ms: t1 - t0, frame_ms: t2 - t0, frameAt: t2 };
      });
    },

    // The full answer, driven in the page the way a user's clicks arrive (no test-tool script
    // injected into the page, so the heap and long-task figures are the widget's own): score 9
    // -> next frame (step 2 painted) -> comment typed -> Send -> next frame (thanks painted),
    // then wait until the outbox is empty (both posts answered 202 by the collector).
    answerOurs: function () {
      var root = document.querySelector('nps-widget').shadowRoot;
      var t0 = performance.now();
      var radios = root.querySelectorAll('[role=radio]');
      if (radios.length !== 11) return Promise.reject(new Error('expected 11 radios, found ' + radios.length));
      radios[9].click();
      var t1 = performance.now();
      var out = { t0: t0, score_call_ms: t1 - t0 };
      return nextFrame().then(function (t2) {
        out.score_frame_ms = t2 - t0;
        var area = root.querySelector('textarea');
        if (!area) throw new Error('no comment box after the score');
        area.value = 'Fast and simple';
        area.dispatchEvent(new Event('input', { bubbles: true }));
        var send = Array.prototype.filter.call(root.querySelectorAll('button'), function (b) {
          return b.textContent.trim() === 'Send';
        })[0];
        if (!send) throw new Error('no Send button');
        var t3 = performance.now();
        send.click();
        out.send_call_ms = performance.now() - t3;
        return window.bench.waitFor('response').then(nextFrame).then(function (t4) {
          out.send_frame_ms = t4 - t3;
          out.end = t4;
          return new Promise(function (resolve, reject) {
            var deadline = performance.now() + 10000;
            (function poll() {
              if (!localStorage.getItem('nps-widget:outbox') || localStorage.getItem('nps-widget:outbox') === '[]') {
                out.delivered_ms = performance.now() - t0;
                return resolve(out);
              }
              if (performance.now() > deadline) return reject(new Error('the answers were not delivered within 10 s'));
              setTimeout(poll, 5);
            })();
          });
        });
      });
    },

    // When each file of the widget was fetched, relative to the script tag's insertion.
    resources: function (t0) {
      return performance.getEntriesByType('resource')
        .filter(function (e) { return /nps-widget|nps_widget_bg\.wasm|languages\.js|\/index\.js/.test(e.name); })
        .map(function (e) {
          return { name: e.name.replace(/^.*\//, ''), start_ms: Math.round((e.startTime - t0) * 10) / 10, end_ms: Math.round((e.responseEnd - t0) * 10) / 10 };
        });
    },

    // Script tag(s) inserted -> every onload fired (fetched and evaluated).
    // The quiet page view: the snippet's queue (an `ineligible` listener and `init`), then the
    // loader's tag; resolves when the widget has decided "not now" (its `ineligible` event),
    // with the time from the tag's insertion.
    loadQuiet: function (config) {
      return new Promise(function (resolve, reject) {
        var queueFn = function () { (queueFn.q = queueFn.q || []).push(arguments); };
        window.nps = queueFn;
        var t0;
        window.nps('on', 'ineligible', function (payload) {
          var t1 = performance.now();
          resolve({ t0: t0, decision_ms: t1 - t0, end: t1, reason: payload && payload.reason });
        });
        window.nps('on', 'shown', function () { reject(new Error('the card was shown: the user was due')); });
        window.nps('init', config);
        var script = document.createElement('script');
        script.async = true;
        script.src = '/nps-widget/nps-widget.js';
        script.onerror = function () { reject(new Error('nps-widget.js failed to load')); };
        setTimeout(function () { reject(new Error('no decision within 15 s')); }, 15000);
        t0 = performance.now();
        document.head.appendChild(script);
      });
    },

    // Every resource fetched since `since` (ms): how many, and their bytes as transferred.
    fetchedSince: function (since) {
      var entries = performance.getEntriesByType('resource').filter(function (e) { return e.startTime >= since; });
      return {
        requests: entries.length,
        transfer_bytes: entries.reduce(function (t, e) { return t + (e.transferSize || 0); }, 0),
        body_bytes: entries.reduce(function (t, e) { return t + (e.encodedBodySize || 0); }, 0),
        names: entries.map(function (e) { return e.name.replace(location.origin, ''); }),
      };
    },

    loadScripts: function (srcs) {
      var heapBefore = heap();
      var t0 = performance.now();
      return Promise.all(srcs.map(function (src) {
        return new Promise(function (resolve, reject) {
          var script = document.createElement('script');
          script.src = src;
          script.async = false; // in order, as a host's tags would run
          script.onload = function () { resolve(performance.now()); };
          script.onerror = function () { reject(new Error(src + ' failed to load')); };
          document.head.appendChild(script);
        });
      })).then(function (ends) {
        var t1 = Math.max.apply(null, ends);
        return { t0: t0, load_ms: t1 - t0, end: t1, heapBefore: heapBefore };
      });
    },
  };
})();
