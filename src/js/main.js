// nps-widget's package entry (the npm path). `init(config)` resolves to the survey object; it
// never rejects and nothing it does throws into the host page. While the quiet record holds
// (see quiet.js), the WebAssembly is not even fetched: the quiet front answers, and hands the
// commands to the widget module (index.js) once something needs it.
import { front } from './quiet.js';
import { loadingWidget, nps as run, openShadowRoot, replay } from './index.js';

export { start } from './index.js';

const quiet = front(replay);

/** Runs a command by name, the same as the script tag's `nps(name, ...args)`. */
export function nps(...args) {
  if (!quiet.take(args)) run(...args);
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
  shadowRoot: openShadowRoot,
});

/** Validates the config, restores state and arms the triggers; resolves to the survey object. */
export function init(config) {
  nps('init', config);
  // A quiet page view loads nothing: the survey object is ready at once.
  return Promise.resolve(loadingWidget()).then(() => survey);
}
