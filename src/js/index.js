// nps-widget ES module entry. `init(config)` loads the WebAssembly once and resolves to the
// survey object; it never rejects and nothing it does throws into the host page.
import load, { command, setLanguageLoader, shadowRoot } from './nps_widget.js';
import { loadLanguage } from './languages.js';

let loading;

/** Loads and instantiates the WebAssembly module once. Resolves to true when it is usable. */
export function start() {
  if (!loading) {
    loading = load().then(
      () => {
        // Languages other than English are separate modules, loaded only when needed.
        setLanguageLoader(loadLanguage);
        return true;
      },
      (error) => {
        const blocked = /unsafe-eval|Content Security Policy|CSP/i.test(String(error && error.message));
        console.error(
          blocked
            ? "nps-widget: WebAssembly was blocked by the page's Content-Security-Policy; add 'wasm-unsafe-eval' to script-src"
            : 'nps-widget: could not load the widget',
          error,
        );
        return false;
      },
    );
  }
  return loading;
}

/** Runs a command by name, the same as the script tag's `nps(name, ...args)`. */
export function nps(name, ...args) {
  try {
    command(name, args);
  } catch (error) {
    console.error('nps-widget: internal error in `' + String(name) + '`', error);
  }
}

/** The survey object `init` resolves to: every command as a method. */
export const survey = Object.freeze({
  identify: (user) => nps('identify', user),
  track: (eventName) => nps('track', eventName),
  show: (options) => nps('show', options),
  hide: () => nps('hide'),
  reset: () => nps('reset'),
  consent: (granted) => nps('consent', granted),
  on: (event, listener) => nps('on', event, listener),
  off: (event, listener) => nps('off', event, listener),
  destroy: () => nps('destroy'),
  /** The open card's shadow root, or null. */
  shadowRoot: () => {
    try {
      return shadowRoot();
    } catch (error) {
      return null;
    }
  },
});

/** Validates the config, restores state and arms the triggers; resolves to the survey object. */
export function init(config) {
  return start().then((ready) => {
    if (ready) nps('init', config);
    return survey;
  });
}
