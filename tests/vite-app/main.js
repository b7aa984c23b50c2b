// A product team's code: import the package, init, pipe answers into "analytics".
import { init } from 'nps-widget';

const survey = await init({
  endpoint: '/v1/responses',
  product: 'Vite App',
  language: new URLSearchParams(location.search).get('lang') || 'en',
  user: { id: 'vite-user' },
  triggers: [{ event: 'report_exported' }],
});
window.analytics = [];
survey.on('response', (r) => window.analytics.push(r));
document.getElementById('status').textContent = 'ready';
window.survey = survey;
survey.track('report_exported');
