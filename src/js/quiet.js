// The quiet page view. A user is asked at most once in six months, so nearly every page view
// decides "not now". After such a decision the widget leaves a record (`save_quiet` in
// src/web/records.rs): until when nothing can happen for this user under this config, while the
// user's stored state stays what it is. While the record holds, the front below answers the
// commands and runs the page's triggers itself, raising the `ineligible` events the widget
// would raise, and nothing else is fetched or run. Anything that could change the decision
// loads the widget, which takes over from where the page view stands (src/web/resume.rs).
//
// The trigger rules below are those of src/core/triggers.rs and src/web/page_triggers.rs, for
// the one outcome they can have while the record holds; tests/e2e/quiet.test.mjs runs pages
// both ways and compares what they raise and store.

const PREFIX = 'nps-widget:';
const RECORD = PREFIX + 'quiet';
const OUTBOX = PREFIX + 'outbox:';

/**
 * The fingerprint of what in `config` can change a decision: the config as JSON, without the
 * user's and the account's details other than the user's id, `createdAt` and `hash`, after
 * this build of the widget's name; null when the config cannot be written as JSON. The text
 * itself rather than a hash of it: no collision can ever keep a changed config quiet.
 */
export function fingerprint(config) {
  try {
    const user = config.user;
    return BUILD + JSON.stringify({ ...config, account: 0, user: user && [user.id, user.createdAt, user.hash] });
  } catch (e) {
    return null;
  }
}

/** The quiet record left for a config with fingerprint `print`, or null. */
function readRecord(print) {
  try {
    const record = JSON.parse(localStorage.getItem(RECORD));
    return record && record.f === print ? record : null;
  } catch (e) {
    return null; // storage that throws: the widget decides
  }
}

/** Whether an answer waits in the outbox (the widget must send it). */
function outboxWaits() {
  for (let i = localStorage.length; i--; ) if (localStorage.key(i).startsWith(OUTBOX)) return true;
  return false;
}

/** Whether `record` still holds now: its window, the user's stored state, an empty outbox. */
function holds(record) {
  try {
    const now = Date.now();
    return now >= record.a && now < record.t && localStorage.getItem(record.k) === record.s && !outboxWaits();
  } catch (e) {
    return false;
  }
}

/** The config's triggers, `{ on: 'load' }` by default. */
const triggersOf = (config) => (Array.isArray(config.triggers) ? config.triggers : [{ on: 'load' }]);

/** Whether `path` matches `glob`, where `*` matches any run of characters. */
const globMatches = (glob, path) =>
  new RegExp('^' + glob.split('*').map((part) => part.replace(/\W/g, '\\$&')).join('.*') + '$', 's').test(path);

/** Counts a page view of the user whose state is under `key`; the count, this view included. */
function countView(key) {
  key += ':views';
  let views = 1;
  try {
    const stored = localStorage.getItem(key);
    // As the widget reads it: a whole number, else 0 (a count of a billion or more, which only
    // tampering can store, starts again from 1 here).
    views += /^\d{1,9}$/.test(stored) && +stored;
    localStorage.setItem(key, views);
  } catch (e) {
    // A full storage: the count is still this view's, as the widget's (kept in memory) is.
  }
  return views;
}

/**
 * Runs one page view quietly under `record`: the page's triggers raise `ineligible` through
 * `emit`; `wake()` is called when the widget is needed. `stop()` ends it and tells the widget
 * what was done so far.
 */
function quietPage(record, config, emit, wake) {
  // Each trigger as [kind, value]: its one key (`on`, `event`, `url`, `afterSeconds`,
  // `pageViews`) and that key's value.
  const list = triggersOf(config).map((trigger) => Object.entries(trigger)[0]);
  const delay = (config.delaySeconds || 0) * 1000;
  const startedAt = Date.now();
  const listening = new AbortController();
  const removers = [() => listening.abort()];
  const timers = []; // pending `afterSeconds`: [trigger index, due time, timer id]
  let path = location.pathname;
  let armed = false;
  let stopped = false;
  let view = false;
  let delayed; // a show waiting out `delaySeconds`: [trigger index, path, due time, timer id]

  const listen = (target, type, listener) =>
    target.addEventListener(type, listener, { capture: true, signal: listening.signal });
  const decide = () => emit({ survey: 'nps', reason: record.r, nextEligibleAt: record.n });
  const fire = (index) => {
    if (!delay) return decide();
    if (delayed) return;
    delayed = [index, path, Date.now() + delay, setTimeout(delayEnded, delay)];
  };
  const delayEnded = () => {
    if (!holds(record)) return wake();
    delayed = undefined;
    decide();
  };
  const viewed = () => {
    const url = list.findIndex(([kind, glob]) => kind === 'url' && globMatches(glob, path));
    if (url >= 0) fire(url);
    const views = countView(record.k);
    const reached = list.findIndex(([kind, count]) => kind === 'pageViews' && views >= count);
    if (reached >= 0) fire(reached);
  };
  const arm = () => {
    if (stopped) return;
    if (!holds(record)) return wake();
    armed = true;
    list.forEach(([kind, seconds], index) => {
      if (kind !== 'afterSeconds') return;
      const timer = [index, Date.now() + seconds * 1000];
      timer[2] = setTimeout(() => {
        if (!holds(record)) return wake();
        timers.splice(timers.indexOf(timer), 1);
        fire(index);
      }, seconds * 1000);
      timers.push(timer);
    });
    const load = list.findIndex(([kind]) => kind === 'on');
    if (load >= 0) fire(load);
    viewed();
  };
  const routeChanged = () => {
    if (stopped || location.pathname === path) return;
    if (!holds(record)) {
      view = true;
      return wake();
    }
    path = location.pathname;
    if (delayed) {
      const [kind, glob] = list[delayed[0]];
      if (kind === 'url' ? !globMatches(glob, path) : delayed[1] !== path) {
        clearTimeout(delayed[3]);
        delayed = undefined;
      }
    }
    viewed();
  };

  // (No `hashchange`: a fragment never changes the path.)
  listen(window, 'popstate', routeChanged);
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name];
    const wrapper = function () {
      const result = original.apply(this, arguments);
      routeChanged();
      return result;
    };
    history[name] = wrapper;
    // Put back only if still ours: a script that wrapped it after us keeps calling `wrapper`,
    // which passes calls through once stopped.
    removers.push(() => history[name] === wrapper && (history[name] = original));
  }
  // Another tab: a display cancels a delayed show, as in the widget; an answer it queued needs
  // the widget to send it. (No `online` listener: an answer can only wait in the outbox here
  // after such an event, which already woke the widget.)
  listen(window, 'storage', (event) => {
    if (event.key === record.k && event.newValue && delayed) {
      clearTimeout(delayed[3]);
      delayed = undefined;
    } else if (event.newValue && event.key.startsWith(OUTBOX)) wake();
  });
  if (document.readyState === 'loading') listen(document, 'DOMContentLoaded', arm);
  else Promise.resolve().then(arm);

  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer[2]);
      if (delayed) clearTimeout(delayed[3]);
      for (const remove of removers) remove();
      // Short names: this object is the hand-over src/web/resume.rs reads (it ignores the
      // timer ids at the end of `t`'s and `d`'s arrays).
      return {
        s: startedAt,
        a: armed,
        t: timers,
        d: delayed,
        v: view,
        p: path,
      };
    },
  };
}

/**
 * The widget's front until the widget itself is needed. `take(args)` takes one command
 * (`nps(name, ...args)`) and returns true, or false once the widget is loaded (the caller then
 * runs it there). `load(commands)` is called once, with the commands the widget must run, in
 * order: the listeners as `on`, the `init` (with the hand-over, see src/web/resume.rs, as its
 * third argument), and the command that needed the widget. Before `init`, any command but
 * `on`/`off` needs it (the widget keeps such calls until `init`).
 */
export function front(load) {
  let listeners = [];
  let init; // the latest `init` command
  let page;
  let loaded = false;

  // Commands that cannot change a "not now": `hide` with no card, `track` of an event no
  // trigger names.
  const quiet = ([name, event]) =>
    name === 'hide' ||
    (name === 'track' && typeof event === 'string' && event && !triggersOf(init[1]).some((t) => t.event === event));

  const emit = (payload) => {
    for (const [name, listener] of listeners.slice()) {
      if (name !== 'ineligible') continue;
      try {
        listener(payload);
      } catch (error) {
        console.error('nps-widget: a `ineligible` listener threw', error);
      }
    }
  };

  const wake = (command) => {
    if (loaded) return;
    loaded = true;
    const resume = page && page.stop();
    page = undefined;
    const commands = listeners.map(([name, listener]) => ['on', name, listener]);
    if (init) commands.push(['init', init[1], resume]);
    if (command) commands.push(command);
    load(commands);
  };

  return {
    take(args) {
      if (loaded) return false;
      const [name, first, second] = args;
      // A listener for an event that does not exist is kept too: the widget names the
      // mistake when it loads (the first page view of a user always loads it).
      if ((name === 'on' || name === 'off') && typeof second === 'function') {
        if (name === 'on') listeners.push([first, second]);
        else listeners = listeners.filter(([n, f]) => n !== first || f !== second);
      } else if (name === 'init') {
        if (page) page.stop();
        init = args;
        const record = readRecord(fingerprint(first));
        page = record && holds(record) && quietPage(record, first, emit, () => wake());
        if (!page) wake();
      } else if (!init || !quiet(args)) {
        wake(args);
      }
      return true;
    },
  };
}
