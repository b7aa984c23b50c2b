// The card as the user sees it on real hosts: on a phone whose host page is wider than the
// screen (the demo app, a host with a wide table) every control stays on the part of the page the
// user sees, through every step and while the page is panned sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCollectorAndBrowser, stopCollectorAndBrowser, startHostServer, openPage, ROOT, OUTPUT } from './harness.mjs';

const PHONE = { width: 390, height: 844 };

let collector, browser, users = 0;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

/** The generic host page (or another page of tests/e2e/www) with a fresh user, so it shows on load. */
const pageUrl = (config = {}, path = '/survey.html') =>
  `${collector.url}${path}?config=${encodeURIComponent(JSON.stringify({ endpoint: '/v1/responses', product: 'Acme', user: { id: `card-${++users}` }, ...config }))}`;

/** A phone: touch, device pixels, and no motion unless asked for. */
const phone = (extra = {}) => browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, reducedMotion: 'reduce', ...extra });

/**
 * Every control of the card (buttons, radios, the comment box, links, the end labels) that is not
 * wholly inside the visual viewport, or not the element drawn at its own centre: [] when the
 * user can see and reach everything.
 */
const offScreen = (page) => page.evaluate(() => {
  const vv = window.visualViewport;
  const root = document.querySelector('nps-widget').shadowRoot;
  const [left, top] = [vv.offsetLeft, vv.offsetTop];
  const [right, bottom] = [left + vv.width, top + vv.height];
  const bad = [];
  const controls = root.querySelectorAll('button, textarea, a, [role=radio], .ends span, h2');
  if (controls.length < 3) bad.push(`only ${controls.length} controls`);
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 20) || el.localName;
    if (r.left < left - 0.5 || r.right > right + 0.5 || r.top < top - 0.5 || r.bottom > bottom + 0.5) {
      bad.push(`${name} at ${Math.round(r.left)}..${Math.round(r.right)} × ${Math.round(r.top)}..${Math.round(r.bottom)}, viewport ${left}..${right} × ${top}..${bottom}`);
      continue;
    }
    // The point is in layout-viewport coordinates, as elementFromPoint takes them.
    const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (hit !== el && !el.contains(hit)) bad.push(`${name} is covered by ${hit?.localName}.${hit?.className}`);
  }
  return bad;
});

/** Chooses 9 by touch, types a comment, sends it; calls `at(step)` on each of the three steps. */
async function walk(page, at) {
  await at('score');
  await page.getByRole('radio', { name: '9 out of 10' }).tap();
  await page.getByRole('textbox').waitFor();
  await at('follow-up');
  await page.getByRole('textbox').fill('Fast and simple');
  await page.locator('nps-widget .send').tap();
  await page.locator('nps-widget h2[tabindex="-1"]').waitFor();
  await at('thanks');
}

test('phone on the demo app: the page fits the screen and every control of every step is on screen', async () => {
  const host = await startHostServer({ pages: join(ROOT, 'www'), collectorUrl: collector.url });
  try {
    const context = await phone();
    const page = await openPage(context, host.url + '/');
    await page.getByRole('dialog').waitFor();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth, visualViewport.width]);
    assert.deepEqual(widths, [390, 390, 390], 'the demo page does not overflow a 390 px phone (scrollWidth, innerWidth, visual width)');
    await walk(page, async (step) => {
      assert.deepEqual(await offScreen(page), [], `demo, step ${step}`);
      await page.screenshot({ path: join(OUTPUT, `phone-demo-${step}.png`) });
    });
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  } finally {
    await host.close();
  }
});

test('phone on a host wider than the screen: the card takes the visual viewport, follows it sideways', async () => {
  for (const position of ['bottom', 'bottom-right', 'bottom-left', 'top']) {
    const context = await phone();
    const page = await openPage(context, pageUrl({ theme: { position }, promoterCta: { url: 'https://example.com/review' } }, '/wide.html'));
    await page.getByRole('dialog').waitFor();
    const layout = await page.evaluate(() => [window.innerWidth, visualViewport.width]);
    assert.ok(layout[0] > 600 && layout[1] === 390, `the host overflows: layout viewport ${layout[0]} px, visual ${layout[1]} px`);
    await walk(page, async (step) => {
      assert.deepEqual(await offScreen(page), [], `${position}, step ${step}`);
      if (step === 'follow-up') {
        // The user pans the page sideways (over the page, not the card): the card goes along.
        await page.mouse.move(195, 420);
        await page.mouse.wheel(250, 0);
        await page.waitForFunction(() => visualViewport.offsetLeft > 0);
        await page.waitForTimeout(50);
        assert.deepEqual(await offScreen(page), [], `${position}, step ${step}, panned by ${await page.evaluate(() => visualViewport.offsetLeft)} px`);
        const [card] = await page.evaluate(() => [document.querySelector('nps-widget').shadowRoot.querySelector('.card').getBoundingClientRect().toJSON()]);
        assert.equal(card.width, 390, `${position}: a bottom sheet as wide as the screen`);
        // Back, since Playwright's taps miss on a visual viewport panned sideways.
        await page.mouse.wheel(-250, 0);
        await page.waitForFunction(() => visualViewport.offsetLeft === 0);
      }
      if (position === 'bottom') await page.screenshot({ path: join(OUTPUT, `phone-wide-${step}.png`) });
    });
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  }
});

/** The outline of what has focus in the card: [style, width, colour]. */
const ringOfFocused = (page) => page.evaluate(() => {
  const s = getComputedStyle(document.querySelector('nps-widget').shadowRoot.activeElement);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor];
});

test('focus ring: the accent where it keeps 3:1 against the card, else a fixed colour', async () => {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  // [mode, accent, ring]: the accent on a card it stands out from, the fixed ring on one it does not.
  for (const [mode, accent, ring] of [
    ['light', undefined, 'rgb(37, 99, 235)'], // the built-in accent, 5.2:1 on white
    ['dark', undefined, 'rgb(96, 165, 250)'], // the built-in dark accent, 6.5:1 on the dark card
    ['light', '#0b6e4f', 'rgb(11, 110, 79)'], // a deep green, 6.2:1 on white
    ['light', '#ffd60a', 'rgb(29, 78, 216)'], // yellow, 1.4:1 on white: the fixed ring
    ['dark', '#ffd60a', 'rgb(255, 214, 10)'], // the same yellow on the dark card, 11:1
    ['dark', '#0b3d91', 'rgb(147, 197, 253)'], // navy, 1.6:1 on the dark card: the fixed ring
  ]) {
    const page = await openPage(desktop, pageUrl({ triggers: [{ event: 'ask' }], theme: { mode, ...(accent ? { accent } : {}) } }));
    await page.waitForFunction(() => typeof window.nps === 'function' && !window.nps.q);
    await page.evaluate(() => window.nps('track', 'ask'));
    await page.getByRole('dialog').waitFor();
    // Keyboard: Tab from the page's last control into the card (its close button, then the scale).
    await page.locator('#host-button').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.querySelector('nps-widget').shadowRoot.activeElement?.getAttribute('aria-label'));
    assert.equal(focused, '0 out of 10');
    assert.deepEqual(await ringOfFocused(page), ['solid', '3px', ring], `${mode} card, accent ${accent ?? 'built in'}: keyboard focus`);
    await page.close();
  }
  await desktop.close();
});
