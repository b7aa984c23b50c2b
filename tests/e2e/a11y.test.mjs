// The card for everyone: axe-core on every step, a keyboard-only answer, right-to-left
// languages, screenshots, a hostile host stylesheet, phones (wrapping, 320 px, on-screen
// keyboard, landscape) and the theme options.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, copyFileSync } from 'node:fs';
import { startCollectorAndBrowser, stopCollectorAndBrowser, startHostServer, rows, openPage, eventually, ROOT, OUTPUT, widgetReady } from './harness.mjs';

const SHOTS = join(OUTPUT, 'screenshots');
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 667 };

let collector, browser, users = 0;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ collector, browser } = await startCollectorAndBrowser());
});
after(() => stopCollectorAndBrowser({ collector, browser }));

/** The generic host page (or another page of tests/e2e/www) with a fresh user, so it shows on load. */
const pageUrl = (config = {}, path = '/survey.html') =>
  `${collector.url}${path}?config=${encodeURIComponent(JSON.stringify({ endpoint: '/v1/responses', product: 'Acme', user: { id: `a11y-${++users}` }, ...config }))}`;

/** A context as a phone, a desktop, with or without motion. */
const newContext = (viewport = DESKTOP, extra = {}) =>
  browser.newContext({ viewport, reducedMotion: 'reduce', ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}), ...extra });

/** Loads `url` and waits for the card. */
async function openCard(context, url) {
  const page = await openPage(context, url);
  await page.getByRole('dialog').waitFor();
  return page;
}

/** axe-core on the card only (inside its shadow root); resolves to the violations, summarised. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const { passes, violations } = await page.evaluate(async () => {
    const result = await window.axe.run({ include: [{ fromShadowDom: ['nps-widget', '.card'] }] }, { resultTypes: ['violations'] });
    return {
      passes: result.passes.length,
      violations: result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target) + ' ' + n.failureSummary).join('; ')}`),
    };
  });
  assert.ok(passes >= 10, `axe checked the card (${passes} rules passed)`);
  return violations;
}

/** Waits for the card's animations and transitions (if motion is not reduced) to end. */
const settled = (page) => page.evaluate(() =>
  Promise.all(document.querySelector('nps-widget').shadowRoot.querySelector('.card').getAnimations({ subtree: true }).map((a) => a.finished)));

/** What has focus inside the card: 'radio:N', 'textarea', 'send', 'heading', … or null. */
const focusInCard = (page) => page.evaluate(() => {
  const el = document.querySelector('nps-widget')?.shadowRoot?.activeElement;
  if (!el) return null;
  if (el.getAttribute('role') === 'radio') return 'radio:' + el.dataset.score;
  return el.tagName === 'H2' ? 'heading' : el.className || el.tagName.toLowerCase();
});

/** Bounding boxes of elements matched inside the card's shadow root. */
const boxes = (page, selector) => page.evaluate((s) =>
  [...document.querySelector('nps-widget').shadowRoot.querySelectorAll(s)].map((e) => e.getBoundingClientRect().toJSON()), selector);

/**
 * Walks the three steps, calling `at(step)` on each: 'score', then 'follow-up', then 'thanks'.
 * With `every`, also the follow-up's other states: 'follow-up-empty' (the button says Skip) and
 * 'follow-up-changed' (another score chosen on the follow-up step, of another category).
 */
async function walk(page, at, { score = 9, comment = 'Fast and simple', every = false } = {}) {
  await at('score');
  await page.getByRole('radio').nth(score).click();
  await page.getByRole('textbox').waitFor();
  if (every) {
    await at('follow-up-empty');
    await page.getByRole('radio').nth(3).click();
    await page.getByRole('radio').nth(3).and(page.locator('[aria-checked=true]')).waitFor();
    await at('follow-up-changed');
    await page.getByRole('radio').nth(score).click();
  }
  await page.getByRole('textbox').fill(comment);
  await at('follow-up');
  await page.locator('nps-widget .send').click();
  await eventually(() => focusInCard(page).then((f) => f === 'heading'), { timeout: 3000 });
  await at('thanks');
}

for (const lang of ['en', 'ar']) {
  for (const mode of ['light', 'dark']) {
    test(`axe: no violations on each step and follow-up state (Skip, a changed score, Send), ${lang} ${mode}, desktop and phone; screenshots`, async () => {
      for (const viewport of [DESKTOP, PHONE]) {
        const context = await newContext(viewport);
        const page = await openCard(context, pageUrl({ language: lang, theme: { mode }, promoterCta: { url: 'https://example.com/review' } }));
        await walk(page, async (step) => {
          assert.deepEqual(await axe(page), [], `axe on step ${step}, ${lang} ${mode} ${viewport.width}×${viewport.height}`);
          const name = `${step}-${viewport.width}x${viewport.height}-${mode}-${lang}.png`;
          await page.screenshot({ path: join(SHOTS, name), animations: 'disabled' });
          if (step === 'score' && lang === 'en' && mode === 'light' && viewport === DESKTOP) {
            // The check can fail: grey end labels on white are reported.
            await page.evaluate(() => { document.querySelector('nps-widget').shadowRoot.querySelector('.ends').style.color = '#aaa'; });
            assert.match((await axe(page)).join(), /^color-contrast/);
            await page.evaluate(() => { document.querySelector('nps-widget').shadowRoot.querySelector('.ends').style.color = ''; });
          }
        }, { every: true });
        assert.deepEqual(page.pageErrors, []);
        await context.close();
      }
    });
  }
}

test('docs/card.png: the demo app at 1280×800 with the card on step 1', async () => {
  const host = await startHostServer({ pages: join(ROOT, 'www'), collectorUrl: collector.url });
  try {
    const context = await newContext(DESKTOP);
    const page = await openCard(context, host.url + '/');
    await page.getByRole('dialog').getByRole('heading').waitFor();
    const path = join(SHOTS, 'demo-step1-1280x800-light-en.png');
    await page.screenshot({ path, animations: 'disabled' });
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    copyFileSync(path, join(ROOT, 'docs', 'card.png'));
    await context.close();
  } finally {
    await host.close();
  }
});

test('keyboard only: appears without taking focus, one Tab stop, arrows, Enter, comment, Send; focus returns', async () => {
  const context = await newContext(DESKTOP);
  const page = await openPage(context, pageUrl({ triggers: [{ event: 'ask' }], user: { id: 'keyboard-only' } }));
  const mine = () => rows(collector.db).filter((r) => r.user_id === 'keyboard-only');
  await widgetReady(page);
  // Focus the host's link by keyboard, then the card appears: it must not take the focus.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'link');
  await page.evaluate(() => window.nps('track', 'ask'));
  const dialog = page.getByRole('dialog', { name: 'How likely are you to recommend Acme to a friend or colleague?' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'link', 'the card took the focus');
  assert.equal(await page.locator('nps-widget [role=dialog]').getAttribute('aria-modal'), null, 'non-modal');
  const live = page.locator('nps-widget [role=status][aria-live=polite]');
  await eventually(async () => (await live.textContent()) === 'How likely are you to recommend Acme to a friend or colleague?');
  assert.equal(await live.textContent(), 'How likely are you to recommend Acme to a friend or colleague?', 'the live region announces the card');
  // The display is sent the moment the card is shown: one row, without a score.
  assert.ok(await eventually(() => mine().length === 1), 'the display is stored');

  // Host button, then the card: its close button, then the scale as one stop, then out.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'host-button');
  await page.keyboard.press('Tab');
  assert.equal(await focusInCard(page), 'close');
  await page.keyboard.press('Tab');
  assert.equal(await focusInCard(page), 'radio:0', 'Tab reaches the scale at its first radio');
  await page.keyboard.press('Tab');
  assert.equal(await focusInCard(page), null, 'the scale is a single Tab stop');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusInCard(page), 'radio:0');

  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await focusInCard(page), 'radio:9');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusInCard(page), 'radio:9');
  assert.equal(await page.locator('nps-widget [aria-checked=true]').count(), 0, 'arrows move focus without choosing');
  assert.deepEqual(mine().map((r) => [r.type, r.score]), [['display', null]], 'nothing but the display sent while moving');
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('nps-widget').shadowRoot.activeElement);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor];
  });
  assert.deepEqual(ring, ['solid', '3px', 'rgb(37, 99, 235)'], 'a visible focus ring in the accent (5.2:1 on white)');

  await page.keyboard.press('Enter');
  await eventually(() => focusInCard(page).then((f) => f === 'textarea'));
  assert.equal(await focusInCard(page), 'textarea', 'step 2 moves focus to the comment box');
  assert.equal(await live.textContent(), 'Great to hear! What do you love most?');
  const scored = await eventually(() => mine().find((r) => r.score === 9));
  assert.ok(scored, 'Enter chose 9 and sent it');
  await page.keyboard.type('Keyboard only');
  await page.keyboard.press('Tab');
  assert.equal(await focusInCard(page), 'send');
  await page.keyboard.press('Enter');
  await eventually(() => focusInCard(page).then((f) => f === 'heading'));
  assert.equal(await focusInCard(page), 'heading', 'the thank-you heading takes the focus');
  assert.equal(await live.textContent(), "Thank you! We're glad you're enjoying it.", 'the thank-you is announced');
  const stored = await eventually(() => mine().find((r) => r.score === 9 && r.complete && r.comment === 'Keyboard only'));
  assert.ok(stored, 'the answer is stored: ' + JSON.stringify(mine()));

  await page.keyboard.press('Escape');
  await page.locator('nps-widget').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'host-button', 'focus returns to where it came from');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('right-to-left languages: dir=rtl, 0 rightmost, end labels under their numbers, mirrored close', async () => {
  const context = await newContext(DESKTOP);
  for (const lang of ['ar', 'he', 'fa', 'ur']) {
    const page = await openCard(context, pageUrl({ language: lang }));
    const dialog = page.locator('nps-widget [role=dialog]');
    assert.equal(await dialog.getAttribute('dir'), 'rtl', lang);
    assert.equal(await dialog.getAttribute('lang'), lang);
    const radios = await boxes(page, '[role=radio]');
    for (let i = 1; i <= 10; i++) assert.ok(radios[i].right <= radios[i - 1].left, `${lang}: ${i} is left of ${i - 1}`);
    const [card] = await boxes(page, '.card');
    const [low, high] = await boxes(page, '.ends span');
    assert.ok(Math.abs(low.right - radios[0].right) < 1 && Math.abs(high.left - radios[10].left) < 1, `${lang}: end labels follow 0 and 10`);
    const [close] = await boxes(page, '.close');
    assert.ok(close.left - card.left < 20, `${lang}: the close button is at the left`);
    await page.close();
  }
  await context.close();
});

test('a hostile host stylesheet changes nothing: card pixels as on a blank page (anti-aliasing aside)', async () => {
  const shots = {};
  for (const path of ['/survey.html', '/hostile.html']) {
    const context = await newContext(DESKTOP);
    const page = await openCard(context, pageUrl({}, path));
    const card = page.locator('nps-widget .card');
    const list = (shots[path] = []);
    await walk(page, async (step) => {
      // The pointer off the card: the card changes size under it, and Chrome moves :hover to
      // what is under it only a moment later.
      await page.mouse.move(0, 0);
      // The step settled: its height no longer held for the transition between steps.
      await page.waitForFunction(() => !document.querySelector('nps-widget').shadowRoot.querySelector('.card > button + div').style.getPropertyValue('--nps-h'));
      // The card's pixels, less its four rounded corners (where the page shows through).
      const box = await card.boundingBox(), r = 14;
      const clips = [{ x: box.x, y: box.y + r, width: box.width, height: box.height - 2 * r },
        { x: box.x + r, y: box.y, width: box.width - 2 * r, height: r },
        { x: box.x + r, y: box.y + box.height - r, width: box.width - 2 * r, height: r }];
      const pngs = [];
      for (const clip of clips) pngs.push(await page.screenshot({ clip, animations: 'disabled' }));
      list.push({ step, box, pngs });
      if (path === '/hostile.html') await page.screenshot({ path: join(SHOTS, `hostile-${step}.png`) });
      if (path === '/hostile.html' && step === 'thanks') {
        // With every element of the page positioned at z-index 1, a fixed bar of the page at
        // z-index 100 still goes under the card.
        const hit = await page.evaluate(({ x, y, width, height }) => {
          document.body.append(document.createElement('footer'));
          return document.elementFromPoint(x + width / 2, y + height / 2)?.localName;
        }, box);
        assert.equal(hit, 'nps-widget', 'the card stays above the page');
      }
    });
    await context.close();
  }
  const [blank, hostile] = [shots['/survey.html'], shots['/hostile.html']];
  assert.equal(hostile.length, 3);
  for (let i = 0; i < blank.length; i++) {
    assert.deepEqual(hostile[i].box, blank[i].box, `same place and size on step ${blank[i].step}`);
    for (const [k, png] of blank[i].pngs.entries()) {
      const { differ, most } = await pixelDifference(png, hostile[i].pngs[k]);
      // Anti-aliasing at a fractional position may differ by a level or two between two paints.
      assert.ok(most <= 3, `same pixels on step ${blank[i].step}: ${differ} pixels differ, by up to ${most} levels`);
    }
  }
});

/** How many pixels of two PNGs of one size differ, and by how many levels at most (0 to 255). */
async function pixelDifference(a, b) {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async ([a, b]) => {
      const pixels = async (base64) => {
        const image = await createImageBitmap(await (await fetch('data:image/png;base64,' + base64)).blob());
        const canvas = new OffscreenCanvas(image.width, image.height);
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, image.width, image.height).data;
      };
      const [pa, pb] = [await pixels(a), await pixels(b)];
      if (pa.length !== pb.length) return { differ: Infinity, most: 255 };
      let differ = 0, most = 0;
      for (let i = 0; i < pa.length; i += 4) {
        const d = Math.max(Math.abs(pa[i] - pb[i]), Math.abs(pa[i + 1] - pb[i + 1]), Math.abs(pa[i + 2] - pb[i + 2]), Math.abs(pa[i + 3] - pb[i + 3]));
        if (d) { differ += 1; most = Math.max(most, d); }
      }
      return { differ, most };
    }, [a.toString('base64'), b.toString('base64')]);
  } finally {
    await page.close();
  }
}

test('phones: 320 px without overflow, 6 + 5 scale of 44 px targets, on-screen keyboard, landscape', async () => {
  const context = await newContext({ width: 320, height: 568 });
  const page = await openCard(context, pageUrl({ language: 'en' }));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `page scrollWidth ${width}`);
  const [card] = await boxes(page, '.card');
  assert.ok(card.left >= 0 && card.right <= 320 && card.bottom === 568, 'a full-width bottom sheet: ' + JSON.stringify(card));
  const inner = await page.evaluate(() => [...document.querySelector('nps-widget').shadowRoot.querySelectorAll('*')]
    .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'hidden').map((e) => e.className || e.tagName));
  assert.deepEqual(inner, [], 'nothing inside the card overflows sideways');
  const radios = await boxes(page, '[role=radio]');
  for (const [i, r] of radios.entries()) {
    assert.ok(r.width >= 44 && r.height >= 44, `radio ${i} is ${r.width}×${r.height}`);
    assert.ok(r.left >= card.left && r.right <= card.right);
  }
  const rowsOf = new Set(radios.map((r) => r.top));
  assert.equal(rowsOf.size, 2, 'two rows');
  assert.ok(radios.slice(0, 6).every((r) => r.top === radios[0].top) && radios.slice(6).every((r) => r.top === radios[6].top), '6 + 5');
  // Balanced: the row of five is centred under the row of six, half a score in from each end.
  const [inset, outset] = [radios[6].left - radios[0].left, radios[5].right - radios[10].right];
  assert.ok(Math.abs(inset - outset) < 1 && inset > radios[0].width / 3, `second row centred: ${inset} / ${outset}`);
  for (const [i, b] of (await boxes(page, '.close')).entries()) assert.ok(b.width >= 44 && b.height >= 44, `close ${i}`);

  await page.getByRole('radio', { name: '3 out of 10' }).tap();
  await page.getByRole('textbox').waitFor();
  // The on-screen keyboard: the visual viewport shrinks to 300 px (and, as on iOS, may be
  // scrolled down by 100 px); the comment box and Send must stay inside it.
  for (const offsetTop of [0, 100]) {
    await page.evaluate((offsetTop) => {
      Object.defineProperty(visualViewport, 'height', { configurable: true, get: () => 300 });
      Object.defineProperty(visualViewport, 'offsetTop', { configurable: true, get: () => offsetTop });
      visualViewport.dispatchEvent(new Event('resize'));
    }, offsetTop);
    for (const selector of ['textarea', '.send']) {
      const [box] = await boxes(page, selector);
      assert.ok(box.top >= offsetTop && box.bottom <= offsetTop + 300, `${selector} visible above the keyboard (offsetTop ${offsetTop}): ${JSON.stringify(box)}`);
    }
    const [sheet] = await boxes(page, '.card');
    assert.equal(sheet.bottom, offsetTop + 300, 'the sheet sits on the keyboard');
  }
  // Keyboard down again: back to the bottom of the page.
  await page.evaluate(() => {
    delete visualViewport.height;
    delete visualViewport.offsetTop;
    visualViewport.dispatchEvent(new Event('resize'));
  });
  assert.equal((await boxes(page, '.card'))[0].bottom, 568);
  await page.screenshot({ path: join(SHOTS, 'follow-up-320x568-light-en.png') });
  await context.close();

  // Landscape with the keyboard up: little height left; the card scrolls inside and the close
  // button stays on screen and on top.
  const landscape = await newContext({ width: 640, height: 360 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const wide = await openCard(landscape, pageUrl({ language: 'de' }));
  await wide.getByRole('radio', { name: /^5 / }).tap();
  await wide.getByRole('textbox').waitFor();
  await wide.evaluate(() => {
    Object.defineProperty(visualViewport, 'height', { configurable: true, get: () => 170 });
    visualViewport.dispatchEvent(new Event('resize'));
  });
  const state = await wide.evaluate(() => {
    const root = document.querySelector('nps-widget').shadowRoot;
    const card = root.querySelector('.card').getBoundingClientRect();
    const scroller = root.querySelector('.card > button + div');
    const close = root.querySelector('.close').getBoundingClientRect();
    const hit = root.elementFromPoint(close.x + close.width / 2, close.y + close.height / 2);
    scroller.scrollTop = scroller.scrollHeight;
    const after = root.querySelector('.close').getBoundingClientRect();
    return { card: card.toJSON(), scrolls: scroller.scrollHeight > scroller.clientHeight, closeHit: hit?.className, closeTop: [close.top, after.top] };
  });
  assert.ok(state.card.top >= 0 && state.card.bottom <= 170, 'the card fits above the keyboard: ' + JSON.stringify(state.card));
  assert.ok(state.scrolls, 'the card scrolls inside');
  assert.equal(state.closeHit, 'close', 'the close button is on top');
  assert.equal(state.closeTop[0], state.closeTop[1], 'the close button does not scroll away');
  await wide.screenshot({ path: join(SHOTS, 'follow-up-640x360-keyboard-light-de.png') });
  await landscape.close();
});

test('themes: auto follows the system, accent with readable text, positions, zIndex, reduced motion', async () => {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark' });
  const style = (page, selector, props) => page.evaluate(([s, p]) => {
    const cs = getComputedStyle(document.querySelector('nps-widget').shadowRoot.querySelector(s));
    return p.map((name) => cs.getPropertyValue(name));
  }, [selector, props]);
  const page = await openCard(context, pageUrl({ theme: { mode: 'auto', accent: '#ffd60a', position: 'bottom-left', zIndex: 1234 } }));
  await settled(page);
  assert.deepEqual(await style(page, '.card', ['background-color', 'z-index', 'animation-name']), ['rgb(31, 36, 48)', '1234', 'nps-in']);
  const [card] = await boxes(page, '.card');
  assert.ok(card.left === 16 && card.bottom === 800 - 16, 'bottom-left');
  await page.getByRole('radio', { name: '10 out of 10' }).click();
  await settled(page);
  assert.deepEqual(await style(page, '[aria-checked=true]', ['background-color', 'color']), ['rgb(255, 214, 10)', 'rgb(0, 0, 0)'], 'the chosen score: black on a light accent');
  await page.getByRole('textbox').fill('Bright');
  await page.mouse.move(1000, 10); // not hovering Send, which grew under the pointer
  assert.deepEqual(await style(page, '.send', ['background-color', 'color']), ['rgb(255, 214, 10)', 'rgb(0, 0, 0)'], 'Send: black on a light accent');
  await page.close();

  for (const [position, check] of [['top', (b) => b.top === 16 && Math.abs(b.left + b.width / 2 - 640) < 1],
    ['bottom-right', (b) => b.right === 1280 - 16 && b.bottom === 784], ['bottom', (b) => b.bottom === 784 && Math.abs(b.left + b.width / 2 - 640) < 1]]) {
    const p = await openCard(context, pageUrl({ theme: { mode: 'light', position, accent: '#0b3d91' } }));
    await settled(p);
    const [b] = await boxes(p, '.card');
    assert.ok(check(b), `${position}: ${JSON.stringify(b)}`);
    assert.deepEqual(await style(p, '.card', ['background-color']), ['rgb(255, 255, 255)'], 'light stays light on a dark system');
    await p.close();
  }
  await context.close();

  const still = await newContext(DESKTOP);
  const p = await openCard(still, pageUrl({}));
  assert.deepEqual(await style(p, '.card', ['animation-name']), ['none'], 'prefers-reduced-motion: no animation');
  for (const [i, b] of (await boxes(p, 'button')).entries()) assert.ok(b.width >= 24 && b.height >= 24, `target ${i} is ${b.width}×${b.height}`);
  await still.close();
});
