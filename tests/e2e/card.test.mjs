// The card as the user sees it. On a phone whose host page is wider than the screen (the demo
// app, a host with a wide table) every control stays on the part of the page the user sees,
// through every step and while the page is panned sideways. The follow-up step keeps the scale:
// a changed score is sent again under the same id. Skip / Send, the focus ring, the height
// transition, the thank-you icon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCollectorAndBrowser, stopCollectorAndBrowser, startHostServer, openPage, rows, eventually, ROOT, OUTPUT } from './harness.mjs';

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

test('focus ring: the accent where it keeps 3:1 against the card, else a fixed colour; keyboard focus only', async () => {
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
    // A click on a score focuses it without a ring; a key press then shows it again.
    await page.getByRole('radio', { name: '8 out of 10' }).click();
    await page.getByRole('textbox').waitFor();
    await page.getByRole('radio', { name: '6 out of 10' }).click();
    const clicked = await page.evaluate(() => {
      const el = document.querySelector('nps-widget').shadowRoot.activeElement;
      return [el.getAttribute('aria-label'), el.matches(':focus-visible'), getComputedStyle(el).outlineStyle];
    });
    assert.deepEqual(clicked, ['6 out of 10', false, 'none'], 'no ring after a click');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await ringOfFocused(page), ['solid', '3px', ring], 'the ring is back with the keyboard');
    await page.close();
  }
  await desktop.close();
});

/** The stored rows of `userId`. */
const rowsOf = (userId) => rows(collector.db).filter((r) => r.user_id === userId);

test('a score changed on the follow-up step is sent again with the same id: one row, the new score', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await openPage(context, pageUrl({ user: { id: 'changes-mind' } }));
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await page.getByRole('radio', { name: '9 out of 10' }).click();
  const box = dialog.getByRole('textbox', { name: 'Great to hear! What do you love most?' });
  await box.waitFor();
  const first = await eventually(() => rowsOf('changes-mind').find((r) => r.score === 9));
  assert.ok(first, 'the first score is stored');
  await box.fill('The reports');

  // The scale is still there with 9 chosen; the user takes 4 instead.
  assert.equal(await dialog.getByRole('radio', { checked: true }).getAttribute('aria-label'), '9 out of 10');
  await page.getByRole('radio', { name: '4 out of 10' }).click();
  assert.equal(await dialog.getByRole('radio', { checked: true }).getAttribute('aria-label'), '4 out of 10');
  const detractorBox = dialog.getByRole('textbox', { name: 'What could we do better?' });
  assert.equal(await detractorBox.inputValue(), 'The reports', 'the follow-up asks the detractors\' question and keeps the comment');
  const changed = await eventually(() => rowsOf('changes-mind').find((r) => r.score === 4));
  assert.ok(changed, 'the new score is stored: ' + JSON.stringify(rowsOf('changes-mind')));
  assert.equal(changed.id, first.id, 'under the same id');
  assert.equal(changed.category, 'detractor');
  assert.equal(changed.complete, false);

  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('heading', { name: 'Thank you for your feedback. We will use it to improve.' }).waitFor();
  const final = await eventually(() => rowsOf('changes-mind').find((r) => r.complete));
  assert.deepEqual(rowsOf('changes-mind').map((r) => [r.id, r.type, r.score, r.category, r.comment, r.complete]),
    [[first.id, 'response', 4, 'detractor', 'The reports', true]], 'one row, with the new score');
  assert.ok(final);
  const events = await page.evaluate(() => window.events.filter((e) => e.name === 'score' || e.name === 'response').map((e) => [e.name, e.payload.id, e.payload.score]));
  assert.deepEqual(events, [['score', first.id, 9], ['score', first.id, 4], ['response', first.id, 4]], 'a `score` event for each score, then the answer');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('the button says Skip while the comment is empty and Send once there is text', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await openPage(context, pageUrl({ user: { id: 'skips' }, language: 'de' }));
  await page.getByRole('radio', { name: '7 von 10' }).click();
  const box = page.getByRole('textbox');
  await box.waitFor();
  const button = page.locator('nps-widget .send');
  const label = async () => [await button.textContent(), await button.getAttribute('class')];
  assert.deepEqual(await label(), ['Überspringen', 'send skip'], 'empty: Skip (in German), drawn as the quieter button');
  await box.pressSequentially('Gut');
  assert.deepEqual(await label(), ['Senden', 'send'], 'text: Send, in the accent');
  await box.fill('   ');
  assert.deepEqual(await label(), ['Überspringen', 'send skip'], 'spaces only: Skip (they would be sent as no comment)');
  await box.fill('');
  assert.deepEqual(await label(), ['Überspringen', 'send skip']);
  await page.getByRole('button', { name: 'Überspringen' }).click();
  await page.locator('nps-widget h2[tabindex="-1"]').waitFor();
  const row = await eventually(() => rowsOf('skips').find((r) => r.complete));
  assert.deepEqual([row.score, row.comment], [7, null], 'Skip finishes the answer without a comment');
  await context.close();
});

test('the card\'s height changes smoothly between steps, at once with prefers-reduced-motion', async () => {
  for (const reducedMotion of ['no-preference', 'reduce']) {
    const context = await browser.newContext({ reducedMotion });
    const page = await openPage(context, pageUrl({}));
    await page.getByRole('dialog').waitFor();
    await page.waitForTimeout(300); // the entrance
    const before = (await page.evaluate(() => document.querySelector('nps-widget').shadowRoot.querySelector('.card > button + div').getBoundingClientRect().height));
    const [heights] = await Promise.all([
      page.evaluate(() => new Promise((resolve) => {
        const root = document.querySelector('nps-widget').shadowRoot;
        root.querySelector('[data-score="9"]').click();
        const body = root.querySelector('.card > button + div');
        const transitions = body.getAnimations().map((a) => a.transitionProperty);
        const heights = [];
        const start = performance.now();
        const frame = () => {
          heights.push(Math.round(body.getBoundingClientRect().height));
          if (performance.now() - start < 450) requestAnimationFrame(frame); else resolve({ transitions, heights, inline: body.style.getPropertyValue('--nps-h') });
        };
        frame();
      })),
    ]);
    const { transitions, heights: seen, inline } = heights;
    const after = seen[seen.length - 1];
    assert.ok(after > before + 60, `the follow-up step is taller: ${before} -> ${after}`);
    const between = seen.filter((h) => h > before + 2 && h < after - 2);
    if (reducedMotion === 'reduce') {
      assert.deepEqual(transitions, [], 'no transition');
      assert.deepEqual(between, [], 'no height in between: ' + seen.join(' '));
    } else {
      assert.deepEqual(transitions, ['height'], 'a height transition');
      assert.ok(between.length >= 3, 'heights in between: ' + seen.join(' '));
      assert.ok(seen.every((h, i) => i === 0 || h >= seen[i - 1]), 'growing steadily: ' + seen.join(' '));
    }
    assert.equal(inline, '', 'afterwards the body follows its content again');
    await context.close();
  }
});

test('thank-you step: a tick icon (decorative) beside the heading; the link aligned with Send', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await openPage(context, pageUrl({ promoterCta: { url: 'https://example.com/review' } }));
  await page.getByRole('radio', { name: '10 out of 10' }).click();
  await page.getByRole('textbox').fill('Great');
  const card = await page.evaluate(() => document.querySelector('nps-widget').shadowRoot.querySelector('.card').getBoundingClientRect().toJSON());
  const send = await page.locator('nps-widget .send').boundingBox();
  // Sent at once, while the follow-up's height transition may still hold the body's height.
  await page.locator('nps-widget .send').click();
  const link = page.getByRole('link', { name: 'Leave us a review' });
  await link.waitFor();
  const thanksCard = await page.evaluate(() => document.querySelector('nps-widget').shadowRoot.querySelector('.card').getBoundingClientRect().toJSON());
  assert.ok(thanksCard.height < card.height - 60, `the card shrinks to the thank-you step at once: ${card.height} -> ${thanksCard.height}`);
  const icon = await page.evaluate(() => {
    const svg = document.querySelector('nps-widget').shadowRoot.querySelector('svg.icon');
    return svg && { ns: svg.namespaceURI, hidden: svg.getAttribute('aria-hidden'), parts: [...svg.children].map((c) => c.localName), text: svg.textContent };
  });
  assert.deepEqual(icon, { ns: 'http://www.w3.org/2000/svg', hidden: 'true', parts: ['path'], text: '' });
  const [iconBox, heading, linkBox] = [await page.locator('nps-widget svg.icon').boundingBox(), await page.getByRole('dialog').getByRole('heading').boundingBox(), await link.boundingBox()];
  assert.ok(iconBox.x + iconBox.width <= heading.x && Math.abs(iconBox.y + iconBox.height / 2 - (heading.y + heading.height / 2)) < 12, 'the icon sits beside the heading');
  assert.ok(Math.abs(linkBox.x + linkBox.width - (send.x + send.width)) < 1, 'the link ends where Send ended');
  assert.ok(card.right - (linkBox.x + linkBox.width) > 8);
  await context.close();
});

test('texts.lowLabel and texts.highLabel replace the end labels; thanksSeconds sets how long the thanks stay', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const config = { thanksSeconds: 1, texts: { lowLabel: 'Never', highLabel: 'Absolutely', de: { lowLabel: 'Nie' } } };
  const page = await openPage(context, pageUrl(config));
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await page.locator('nps-widget .ends span').allTextContents(), ['Never', 'Absolutely']);
  assert.equal(await page.getByRole('radio', { name: '0 out of 10', exact: true }).getAttribute('aria-describedby'), 'nps-low', 'still the description of 0');
  await page.getByRole('radio', { name: '6 out of 10' }).click();
  await page.getByRole('button', { name: 'Skip' }).click();
  const thanked = Date.now();
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 5000 });
  const stayed = Date.now() - thanked;
  assert.ok(stayed >= 900 && stayed < 2500, `thanksSeconds: 1 closed the card after ${stayed} ms`);

  const german = await openPage(context, pageUrl({ ...config, language: 'de' }));
  await german.getByRole('dialog').waitFor();
  assert.deepEqual(await german.locator('nps-widget .ends span').allTextContents(), ['Nie', 'Absolutely'], 'a language\'s own label wins');
  await context.close();
});
