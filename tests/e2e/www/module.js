// Test host for the npm path: every call is made at once, before the module finished loading
// the wasm; the config comes from ?config=<JSON>; events are recorded in window.events.
import { nps, survey, init } from '/nps-widget/main.js';

window.events = [];
const config = JSON.parse(new URLSearchParams(location.search).get('config') || '{"endpoint":"/v1/responses"}');
for (const name of ['shown', 'score', 'response', 'dismissed', 'ineligible']) {
  survey.on(name, (payload) => window.events.push({ name, payload }));
}
nps('on', 'error', (payload) => window.events.push({ name: 'error', payload }));
init(config).then((resolved) => { window.surveyObject = resolved === survey; });
survey.track('early_event');
