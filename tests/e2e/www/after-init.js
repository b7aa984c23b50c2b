// Test host with the documented snippet's order: `init` first, then the listeners. The config
// comes from ?config=<JSON>; events are recorded in window.events.
window.nps = typeof window.nps === 'function' ? window.nps : function () { (nps.q = nps.q || []).push(arguments); };
window.events = [];
nps('init', JSON.parse(new URLSearchParams(location.search).get('config')));
// ?force=1: a forced show right after init, in the same queue.
if (new URLSearchParams(location.search).get('force')) nps('show', { force: true });
['shown', 'score', 'response', 'dismissed', 'ineligible', 'error'].forEach(function (name) {
  nps('on', name, function (payload) { window.events.push({ name: name, payload: payload }); });
});
