// Test host: the command-queue snippet, with the config taken from the page's ?config= query.
window.nps = typeof window.nps === 'function' ? window.nps : function () { (nps.q = nps.q || []).push(arguments); };
window.events = [];
var config = JSON.parse(new URLSearchParams(location.search).get('config') || '{"endpoint":"/v1/responses"}');
['shown', 'score', 'response', 'dismissed', 'ineligible', 'error'].forEach(function (name) {
  nps('on', name, function (payload) { window.events.push({ name: name, payload: payload }); });
});
nps('init', config);
