// Several surveys from one config: a CSAT on its own event, NPS and CES due at the same moment
// (one card, the first in the list), the shared gap after any survey (Playwright's clock), a
// CES answered with the keyboard alone, axe-core on every kind in light and dark, English and
// Arabic, on a desktop and a phone, and the report's CSAT and CES scores against the test's own
// computation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { startCollector, launch, stopCollectorAndBrowser, surveyUrl, rows, openPage, eventually, widgetReady, TEST_PAGES, ROOT, OUTPUT } from './harness.mjs';

const TOKEN = 'npsa_e2e_surveys_token_0123456789ab';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const SHOTS = join(OUTPUT, 'screenshots');
const DAY = 86_400_000;

let collector, browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  process.env.NPS_ADMIN_TOKEN = TOKEN;
  collector = await startCollector({ www: TEST_PAGES });
  delete process.env.NPS_ADMIN_TOKEN;
  browser = await launch();
});
after(() => stopCollectorAndBrowser({ collector, browser }));

/** The three surveys of a product team: NPS on load, CSAT after a ticket, CES after an export. */
const SURVEYS = [
  { id: 'nps', kind: 'nps', triggers: [{ on: 'load' }] },
  { id: 'support', kind: 'csat', triggers: [{ event: 'ticket_closed' }],
    throttle: { resurveyAfter: '30 days', declineResurveyAfter: '30 days' } },
  { id: 'export', kind: 'ces', triggers: [{ event: 'report_exported' }] },
];
const config = (userId, extra = {}) => ({ endpoint: '/v1/responses', product: 'Acme', user: { id: userId }, surveys: SURVEYS, ...extra });
const mine = (userId) => rows(collector.db).filter((r) => r.user_id === userId);
const events = (page, name) => page.evaluate((n) => window.events.filter((e) => e.name === n).map((e) => e.payload), name);
/** The scores on the open card's scale, as its radios read them. */
const scale = (page) => page.locator('nps-widget [role=radio]').allTextContents();

test('a CSAT after track("ticket_closed"): five options, its follow-up, stored as kind csat with its category', async () => {
  const context = await browser.newContext();
  // The NPS waits for an event of its own, so only the CSAT's trigger may show a card.
  const page = await openPage(context);
  await page.goto(surveyUrl(collector, config('csat-user', {
    surveys: [{ ...SURVEYS[0], triggers: [{ event: 'never' }] }, SURVEYS[1], SURVEYS[2]],
  })));
  await widgetReady(page);
  assert.equal(await page.locator('nps-widget').count(), 0, 'nothing on load');
  await page.evaluate(() => window.nps('track', 'ticket_closed'));
  const dialog = page.getByRole('dialog', { name: 'How satisfied are you with Acme?' });
  await dialog.waitFor();
  assert.deepEqual(await scale(page), ['1', '2', '3', '4', '5']);
  assert.equal(await page.getByRole('radiogroup').getAttribute('aria-label'), 'Satisfaction from 1 to 5');
  assert.deepEqual(await page.locator('nps-widget .ends span').allTextContents(), ['Very unsatisfied', 'Very satisfied']);
  await page.getByRole('radio', { name: '2 out of 5' }).click();
  assert.equal(await page.locator('nps-widget #nps-follow').textContent(), "We're sorry to hear that. What went wrong?");
  await page.getByRole('textbox').fill('Took three days');
  await page.getByRole('button', { name: 'Send' }).click();
  assert.equal(await page.locator('nps-widget .done h2').textContent(), 'Thank you for your feedback. We will use it to improve.');
  const stored = await eventually(() => mine('csat-user').find((r) => r.complete));
  assert.equal(stored.kind, 'csat');
  assert.equal(stored.survey, 'support');
  assert.equal(stored.score, 2);
  assert.equal(stored.category, 'unsatisfied');
  assert.equal(stored.comment, 'Took three days');
  const [shown] = await events(page, 'shown');
  assert.equal(shown.trigger, 'event:ticket_closed');
  const [response] = await events(page, 'response');
  assert.equal(shown.survey, 'support');
  assert.deepEqual({ survey: response.survey, score: response.score, category: response.category }, { survey: 'support', score: 2, category: 'unsatisfied' });
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('an NPS and a CES due at the same moment: one card, the first in the list; the other hears why', async () => {
  for (const [first, second, radios] of [['nps', 'export', 11], ['export', 'nps', 7]]) {
    const context = await browser.newContext();
    const page = await openPage(context);
    const both = [SURVEYS[0], { ...SURVEYS[2], triggers: [{ on: 'load' }] }];
    const surveys = first === 'nps' ? both : both.reverse();
    const user = `both-${first}`;
    await page.goto(surveyUrl(collector, config(user, { surveys })));
    await page.getByRole('dialog').waitFor();
    assert.equal((await scale(page)).length, radios, `${first}'s scale`);
    const [shown] = await events(page, 'shown');
    assert.equal(shown.survey, first);
    const held = await eventually(async () => (await events(page, 'ineligible'))[0]);
    assert.equal(held.survey, second, 'the survey held back is named');
    const today = new Date().toISOString().slice(0, 10);
    assert.match(held.reason, new RegExp(`^survey "${first}" shown on ${today}, no survey before \\d{4}-\\d{2}-\\d{2}$`));
    const next = Date.parse(held.nextEligibleAt);
    assert.ok(Math.abs(next - Date.now() - 14 * DAY) < 60_000, 'next at the gap: ' + held.nextEligibleAt);
    assert.equal(await page.locator('nps-widget').count(), 1, 'one card');
    const display = await eventually(() => mine(user)[0]);
    assert.deepEqual([display.survey, display.kind, mine(user).length], [first, first === 'nps' ? 'nps' : 'ces', 1]);
    await context.close();
  }
});

test('the chosen survey refused by the collector: the next due one is shown, and each hears why', async () => {
  // A collector without a gap, that knows of an NPS display to this user on another device.
  const other = await startCollector({ www: TEST_PAGES, args: ['--survey-gap', '0 days'] });
  try {
    const now = new Date().toISOString();
    const body = { id: randomUUID(), key: randomBytes(16).toString('hex'), type: 'display', kind: 'nps', survey: 'nps',
      user: { id: 'next-user' }, language: 'en', trigger: 'load', page: 'https://app.example.com/', channel: 'in-app', shownAt: now, widgetVersion: '0.1.0' };
    const stored = await fetch(other.url + '/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(stored.status, 202);
    const context = await browser.newContext();
    const page = await openPage(context, surveyUrl(other, config('next-user', {
      eligibilityEndpoint: '/v1/eligibility', surveyGap: 0,
      surveys: [SURVEYS[0], { ...SURVEYS[2], triggers: [{ on: 'load' }] }],
    })));
    await page.getByRole('dialog', { name: 'Acme made it easy for me to do what I wanted.' }).waitFor();
    const [shown] = await events(page, 'shown');
    assert.equal(shown.survey, 'export', 'the CES, next in the list');
    const held = await events(page, 'ineligible');
    assert.equal(held.length, 1, JSON.stringify(held));
    assert.equal(held[0].survey, 'nps');
    assert.match(held[0].reason, /^collector says: asked on \d{4}-\d{2}-\d{2}, next on /);
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  } finally {
    await other.stop();
  }
});

test('a trigger while another survey waits out its delay joins that show: the first due is shown, the other told why', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const loadFired = page.waitForEvent('console', { predicate: (m) => m.text() === 'nps-widget: trigger load' });
  await page.goto(surveyUrl(collector, config('delay-user', {
    debug: true,
    surveys: [{ ...SURVEYS[0], delaySeconds: 2 }, SURVEYS[1]],
  })));
  // The NPS fired on load and waits two seconds; the CSAT's trigger comes meanwhile.
  await loadFired;
  await page.evaluate(() => window.nps('track', 'ticket_closed'));
  assert.equal(await page.locator('nps-widget').count(), 0, 'the CSAT does not cut in');
  await page.getByRole('dialog').waitFor();
  const [shown] = await events(page, 'shown');
  assert.equal(shown.survey, 'nps');
  const held = await eventually(async () => (await events(page, 'ineligible'))[0]);
  assert.equal(held.survey, 'support');
  assert.match(held.reason, /^survey "nps" shown on /);
  await context.close();
});

test('after any survey, no survey for 14 days (the gap), then the next due one', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const start = new Date('2026-06-01T09:00:00Z');
  await page.clock.install({ time: start });
  // The NPS waits for its event first: the CSAT is shown and answered on June 1st.
  const url = (npsOnLoad) => surveyUrl(collector, config('gap-user', {
    surveys: [{ ...SURVEYS[0], triggers: [npsOnLoad ? { on: 'load' } : { event: 'later' }] }, SURVEYS[1], SURVEYS[2]],
  }));
  await page.goto(url(false));
  await widgetReady(page);
  await page.evaluate(() => window.nps('track', 'ticket_closed'));
  await page.getByRole('radio', { name: '5 out of 5' }).click();
  await page.getByRole('button', { name: 'Skip' }).click();
  const csat = await eventually(() => mine('gap-user').find((r) => r.complete));
  assert.equal(csat.survey, 'support');

  /** Loads the page with the NPS on load and waits for the widget's decision on it. */
  const npsDecision = async () => {
    await page.goto(url(true));
    const decided = await page.waitForFunction(() => window.events.find((e) => e.name === 'shown' || e.name === 'ineligible'));
    return decided.jsonValue();
  };
  let decision = await npsDecision();
  assert.equal(decision.name, 'ineligible', 'no NPS right after the CSAT');
  assert.equal(decision.payload.survey, 'nps');
  assert.equal(decision.payload.reason, 'survey "support" shown on 2026-06-01, no survey before 2026-06-15');
  assert.match(decision.payload.nextEligibleAt, /^2026-06-15T09:00:/);
  // The CES on its event is held by the same gap.
  await page.evaluate(() => window.nps('track', 'report_exported'));
  const ces = await eventually(async () => (await events(page, 'ineligible')).find((e) => e.survey === 'export'));
  assert.equal(ces.reason, 'survey "support" shown on 2026-06-01, no survey before 2026-06-15');

  await page.clock.setSystemTime(Date.parse(decision.payload.nextEligibleAt) - 60_000);
  decision = await npsDecision();
  assert.equal(decision.name, 'ineligible', 'none a minute before the gap ends');
  await page.clock.setSystemTime(Date.parse(decision.payload.nextEligibleAt) + 60_000);
  decision = await npsDecision();
  assert.equal(decision.name, 'shown', 'the NPS a minute after');
  assert.equal(decision.payload.survey, 'nps');
  assert.equal((await scale(page)).length, 11);
  // Its display starts the gap again: once the card is closed, the CES is held until June 29th.
  await page.getByRole('button', { name: 'Close survey' }).click();
  await page.locator('nps-widget').waitFor({ state: 'detached' });
  await page.evaluate(() => window.nps('track', 'report_exported'));
  const again = await eventually(async () => (await events(page, 'ineligible')).find((e) => e.survey === 'export'));
  assert.match(again.reason, /^survey "nps" shown on 2026-06-15, no survey before 2026-06-29$/);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('a CES answered with the keyboard alone: one Tab stop, arrows over 1-7, Home/End, Enter, comment, Send', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await openPage(context, surveyUrl(collector, config('ces-keyboard', { surveys: [SURVEYS[2]] })));
  await widgetReady(page);
  await page.evaluate(() => window.nps('track', 'report_exported'));
  await page.getByRole('dialog', { name: 'Acme made it easy for me to do what I wanted.' }).waitFor();
  const focused = () => page.evaluate(() => {
    const el = document.querySelector('nps-widget').shadowRoot.activeElement;
    return el && (el.getAttribute('role') === 'radio' ? 'radio:' + el.dataset.score : el.className || el.tagName.toLowerCase());
  });
  await page.keyboard.press('Tab'); // the host's link
  await page.keyboard.press('Tab'); // the host's button
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'close');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'radio:1', 'the scale starts at 1');
  await page.keyboard.press('End');
  assert.equal(await focused(), 'radio:7');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), 'radio:7', 'the end stays the end');
  await page.keyboard.press('Home');
  assert.equal(await focused(), 'radio:1');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(), 'radio:1');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), 'radio:6');
  assert.equal(await page.locator('nps-widget [aria-checked=true]').count(), 0, 'arrows move focus without choosing');
  await page.keyboard.press('Enter');
  await eventually(async () => (await focused()) === 'textarea');
  assert.equal(await page.locator('nps-widget [aria-checked=true]').getAttribute('data-score'), '6');
  assert.equal(await page.locator('nps-widget #nps-follow').textContent(), 'Great to hear! What worked well for you?');
  await page.keyboard.type('Export was quick');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'send');
  await page.keyboard.press('Enter');
  const stored = await eventually(() => mine('ces-keyboard').find((r) => r.complete));
  assert.deepEqual([stored.kind, stored.survey, stored.score, stored.category, stored.comment], ['ces', 'export', 6, 'agree', 'Export was quick']);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

/** axe-core on the card inside its shadow root: the violations, summarised. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const { passes, violations } = await page.evaluate(async () => {
    const result = await window.axe.run({ include: [{ fromShadowDom: ['nps-widget', '.card'] }] }, { resultTypes: ['violations'] });
    return { passes: result.passes.length, violations: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary).join('; ')}`) };
  });
  assert.ok(passes >= 10, `axe checked the card (${passes} rules passed)`);
  return violations;
}

test('every kind in light and dark, English and Arabic, desktop and phone: axe finds nothing on any step', async () => {
  let n = 0;
  for (const kind of ['nps', 'csat', 'ces']) {
    for (const mode of ['light', 'dark']) {
      for (const language of ['en', 'ar']) {
        for (const viewport of [{ width: 1280, height: 800 }, { width: 375, height: 667 }]) {
          const phone = viewport.width < 500;
          const context = await browser.newContext({ viewport, reducedMotion: 'reduce', colorScheme: mode,
            ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
          const user = `axe-${kind}-${++n}`;
          const page = await openPage(context, surveyUrl(collector, {
            endpoint: '/v1/responses', product: 'Acme', user: { id: user }, language, theme: { mode },
            surveys: [{ kind, triggers: [{ event: 'ask' }] }],
          }));
          await widgetReady(page);
          await page.evaluate(() => window.nps('track', 'ask'));
          const dialog = page.getByRole('dialog');
          await dialog.waitFor();
          const where = `${kind} ${mode} ${language} ${phone ? 'phone' : 'desktop'}`;
          assert.equal(await page.locator('nps-widget section').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr', where);
          const radios = page.locator('nps-widget [role=radio]');
          const count = await radios.count();
          assert.equal(count, { nps: 11, csat: 5, ces: 7 }[kind], where);
          // The scale fits the card: every option on screen, none narrower than a finger.
          const boxes = await radios.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
          for (const box of boxes) {
            assert.ok(box.left >= 0 && box.right <= viewport.width, `${where}: an option off screen`);
            assert.ok(box.height >= 44 && box.width >= 24, `${where}: an option of ${box.width}x${box.height}`);
          }
          if (kind !== 'nps') {
            assert.equal(new Set(boxes.map((b) => Math.round(b.top))).size, 1, `${where}: the short scale keeps one row`);
          }
          // In right-to-left languages the lowest score is on the right.
          const lowestRight = boxes[0].left > boxes[count - 1].left;
          assert.equal(lowestRight, language === 'ar', `${where}: scale direction`);
          assert.deepEqual(await axe(page), [], `${where}, scale`);
          if (mode === 'light' && language === 'en') {
            await page.screenshot({ path: join(SHOTS, `survey-${kind}-${phone ? 'phone' : 'desktop'}.png`) });
          }
          await radios.nth(Math.floor(count / 2)).click();
          await page.locator('nps-widget textarea').waitFor();
          assert.deepEqual(await axe(page), [], `${where}, follow-up`);
          if (kind === 'ces' && language === 'ar' && !phone) {
            await page.screenshot({ path: join(SHOTS, `survey-ces-${mode}-ar-follow-up.png`) });
          }
          await page.locator('nps-widget .send').click();
          await page.locator('nps-widget .done').waitFor();
          assert.deepEqual(await axe(page), [], `${where}, thanks`);
          assert.deepEqual(page.pageErrors, [], where);
          await context.close();
        }
      }
    }
  }
});

test("the report's CSAT and CES scores equal the test's own computation", async () => {
  // Real bodies on the wire, as the widget sends them, with scores drawn at random, for two
  // surveys of their own (the other tests' answers are not counted).
  const day = new Date().toISOString().slice(0, 10);
  const post = (body) => fetch(collector.url + '/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const drawn = { 'support-report': [], 'export-report': [] };
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const [survey, kind, low, high, count] of [['support-report', 'csat', 1, 5, 60], ['export-report', 'ces', 1, 7, 45]]) {
    for (let i = 0; i < count; i++) {
      const score = low + Math.floor(random() * (high - low + 1));
      drawn[survey].push(score);
      const category = kind === 'csat' ? (score <= 2 ? 'unsatisfied' : score === 3 ? 'neutral' : 'satisfied')
        : (score <= 3 ? 'disagree' : score === 4 ? 'neutral' : 'agree');
      const now = new Date().toISOString();
      const response = await post({ id: randomUUID(), key: randomBytes(16).toString('hex'), type: 'response', kind, survey, score, category,
        comment: null, complete: true, user: { id: `report-${survey}-${i}` }, language: 'en', trigger: 'event:x', page: 'https://app.example.com/',
        channel: 'in-app', shownAt: now, answeredAt: now, widgetVersion: '0.1.0' });
      assert.equal(response.status, 202);
    }
    // One display nobody answered, which counts as a display only.
    await post({ id: randomUUID(), key: randomBytes(16).toString('hex'), type: 'display', kind, survey, user: { id: `report-${survey}-shown` },
      language: 'en', trigger: 'event:x', page: 'https://app.example.com/', channel: 'in-app', shownAt: new Date().toISOString(), widgetVersion: '0.1.0' });
  }
  const report = async (survey) => {
    const response = await fetch(`${collector.url}/v1/report?survey=${survey}&from=${day}&to=${day}&interval=day`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    return response.json();
  };
  const csat = await report('support-report');
  const support = drawn['support-report'];
  const satisfied = support.filter((s) => s >= 4).length;
  assert.equal(csat.kind, 'csat');
  assert.equal(csat.responses, 60);
  assert.equal(csat.displays, 61);
  assert.equal(csat.score, Math.round((1000 * satisfied) / 60) / 10, 'CSAT = % satisfied, one decimal');
  assert.deepEqual(csat.categories, {
    unsatisfied: support.filter((s) => s <= 2).length,
    neutral: support.filter((s) => s === 3).length,
    satisfied,
  });
  const ces = await report('export-report');
  const exported = drawn['export-report'];
  const mean = exported.reduce((a, b) => a + b, 0) / exported.length;
  assert.equal(ces.kind, 'ces');
  assert.equal(ces.responses, 45);
  assert.equal(ces.score, Math.round(mean * 100) / 100, 'CES = mean score, two decimals');
  assert.deepEqual(Object.keys(ces.categories), ['disagree', 'neutral', 'agree']);
  assert.equal(Object.values(ces.distribution).reduce((a, b) => a + b, 0), 45);
});

test('the dashboard: every survey in the picker, and each kind with its own labels and score', async () => {
  const day = new Date().toISOString().slice(0, 10);
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(collector.url + '/dashboard/login');
  await page.getByLabel(/token/i).fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/dashboard/');
  const api = async (path) => (await fetch(collector.url + path, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
  const { surveys } = await api('/v1/surveys');
  const listed = Object.fromEntries(surveys.map((s) => [s.survey, s.kind]));
  assert.equal(listed['support-report'], 'csat');
  assert.equal(listed['export-report'], 'ces');
  for (const [survey, title, categories] of [
    ['support-report', 'Customer satisfaction', ['unsatisfied', 'neutral', 'satisfied']],
    ['export-report', 'Customer effort', ['disagree', 'neutral', 'agree']],
  ]) {
    const expected = await api(`/v1/report?survey=${survey}&from=${day}&to=${day}&tz=UTC&interval=day`);
    await page.goto(`${collector.url}/dashboard/?survey=${survey}&from=${day}&to=${day}&tz=UTC&interval=day`);
    await page.waitForFunction(() => document.getElementById('score').textContent !== '–');
    assert.equal(await page.textContent('#headline-title'), title);
    assert.equal(await page.textContent('#score'), String(expected.score), `${survey}: the report's score`);
    const legend = await page.locator('#split-legend li').allTextContents();
    assert.deepEqual(legend.map((l) => l.split(' ')[0]), categories);
    const options = await page.locator('#survey-list option').evaluateAll((els) => els.map((e) => e.value));
    assert.ok(options.includes('support-report') && options.includes('export-report'), 'the picker lists both: ' + options);
    await page.screenshot({ path: join(SHOTS, `dashboard-${survey}.png`), fullPage: false });
  }
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
