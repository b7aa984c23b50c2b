// Type check of the published declarations: every command and config key, the event payloads,
// and mistakes that must not compile (`@ts-expect-error` fails the check if they do).
import { init, nps, survey, type Config, type AnswerEvent, type IneligibleEvent } from 'nps-widget';

const config: Config = {
  endpoint: '/v1/responses',
  product: 'Acme',
  user: {
    id: 'u_42', email: 'ada@example.com', createdAt: '2025-01-15', properties: { plan: 'pro', seats: 3, trial: false },
    hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  },
  account: { id: 'acme', name: 'Acme Inc', properties: { tier: 'gold' } },
  language: 'pt-BR',
  triggers: [{ on: 'load' }, { event: 'report_exported' }, { url: '/billing/*' }, { afterSeconds: 30 }, { pageViews: 3 }],
  delaySeconds: 5,
  thanksSeconds: 8,
  throttle: { resurveyAfter: '6 months', declineResurveyAfter: '90 days', firstSurveyAfter: 30, sampleRate: 0.5 },
  texts: {
    question: 'Would you recommend {product}?',
    lowLabel: 'Never',
    highLabel: 'Absolutely',
    followUp: { detractor: 'What went wrong?', passive: 'What is missing?', promoter: 'What do you love?' },
    placeholder: 'Optional',
    send: 'Submit',
    skip: 'No thanks',
    thankYou: { detractor: 'Thanks.', passive: 'Thanks!', promoter: 'Thanks!!' },
    de: { send: 'Abschicken' },
  },
  promoterCta: { text: 'Review us', url: 'https://example.com/review' },
  theme: { mode: 'auto', accent: '#ff6600', position: 'bottom-right', zIndex: 1000 },
  eligibilityEndpoint: '/v1/eligibility',
  requireConsent: true,
  debug: true,
};

async function main(): Promise<void> {
  const s = await init(config);
  s.identify({ id: 42 });
  s.track('report_exported');
  s.show();
  s.show({ force: true });
  s.hide();
  s.reset();
  s.consent(true);
  const onResponse = (r: AnswerEvent): void => { const score: number = r.score; const c: string | null = r.comment; void score; void c; };
  s.on('response', onResponse);
  s.on('score', (r) => { const category: string = r.category; const id: string = r.survey; void category; void id; });
  s.on('ineligible', (e: IneligibleEvent) => { const next: string | null = e.nextEligibleAt; const id: string = e.survey; void next; void id; });
  s.on('shown', (e) => { const trigger: string = e.trigger; const id: string = e.survey; void trigger; void id; });
  s.on('dismissed', (e) => { const id: string = e.id + e.survey; void id; });
  s.show({ survey: 'support' });
  s.show({ survey: 'export', force: true });
  s.on('error', (e) => { const message: string = e.message; void message; });
  s.off('response', onResponse);
  const root: ShadowRoot | null = s.shadowRoot();
  void root;
  s.destroy();

  nps('init', config);
  nps('track', 'x');
  nps('show', { force: true });
  nps('consent', false);
  nps('on', 'response', (r) => { const n: number = r.score; void n; });
  survey.hide();

  // @ts-expect-error endpoint is required
  await init({ product: 'x' });
  // @ts-expect-error theme.mode is one of light/dark/auto
  await init({ endpoint: '/x', theme: { mode: 'neon' } });
  // @ts-expect-error unknown event name
  s.on('clicked', () => {});
  // @ts-expect-error user.hash is a string (the hex HMAC from your backend)
  s.identify({ id: 42, hash: 42 });
  // @ts-expect-error a trigger needs a known form
  await init({ endpoint: '/x', triggers: [{ onClick: true }] });

  // Several surveys, each kind with its own categories.
  await init({
    endpoint: '/v1/responses', surveyGap: '14 days',
    surveys: [
      { kind: 'nps', triggers: [{ on: 'load' }], texts: { followUp: { promoter: 'Why?' } } },
      { id: 'support', kind: 'csat', triggers: [{ event: 'ticket_closed' }], texts: { followUp: { unsatisfied: 'What went wrong?' }, de: { send: 'Los' } },
        throttle: { resurveyAfter: '30 days' }, promoterCta: { url: 'https://example.com/review' } },
      { id: 'export', kind: 'ces', delaySeconds: 2, texts: { question: 'Exporting was easy.', thankYou: { agree: 'Glad to hear!' } } },
    ],
  });
  // @ts-expect-error a survey's kind is nps, csat or ces
  await init({ endpoint: '/x', surveys: [{ kind: 'star' }] });
  // @ts-expect-error a CSAT's categories are unsatisfied, neutral, satisfied
  await init({ endpoint: '/x', surveys: [{ kind: 'csat', texts: { followUp: { detractor: 'x' } } }] });
}
void main;
