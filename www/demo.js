// The host app's side of the integration: the command queue snippet, then calls as usual.
window.nps = window.nps || function () { (nps.q = nps.q || []).push(arguments); };

nps('init', {
  endpoint: '/v1/responses',
  product: 'Acme Analytics',
  user: { id: 'demo-user', email: 'ada@example.com', createdAt: '2025-01-15', properties: { plan: 'pro' } },
  account: { id: 'acme', name: 'Acme Inc' },
  triggers: [{ on: 'load' }, { event: 'report_exported' }],
  promoterCta: { url: 'https://example.com/review' },
  debug: true,
});

nps('on', 'response', function (answer) {
  document.getElementById('last-event').textContent =
    'Answer received: ' + answer.score + (answer.comment ? ' — "' + answer.comment + '"' : '');
});

document.getElementById('export').addEventListener('click', function () { nps('track', 'report_exported'); });
document.getElementById('preview').addEventListener('click', function () { nps('show', { force: true }); });
document.getElementById('forget').addEventListener('click', function () {
  Object.keys(localStorage).filter(function (k) { return k.indexOf('nps-widget:') === 0; })
    .forEach(function (k) { localStorage.removeItem(k); });
  location.reload();
});
