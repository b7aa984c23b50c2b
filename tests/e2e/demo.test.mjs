// The demo app (www/): a clean load with no console error and no failed request (its favicon
// included), the theme switch (light, dark, auto) and the language switch, which the page and
// the card follow and which are kept across a reload, and axe-core on the page in both themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCollectorAndBrowser, stopCollectorAndBrowser, ROOT } from './harness.mjs';

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser({ www: join(ROOT, 'www') })));
after(() => stopCollectorAndBrowser({ collector, browser }));

/**
 * A page that records every console error and warning, page error and failed request. With
 * `aborts: false`, a request aborted by a reload is no problem: the widget has its 202 and has
 * emptied its outbox while the browser is still reading the response's body.
 */
async function watchedPage(context, { aborts = true } = {}) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') page.problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e}`));
  page.on('requestfailed', (r) => {
    if (aborts || r.failure()?.errorText !== 'net::ERR_ABORTED') page.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) page.problems.push(`${r.status()}: ${r.url()}`); });
  return page;
}

/** Resolves once every queued body is delivered (so that a reload aborts no request). */
const delivered = (page) => page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('nps-widget:outbox:')));

/** Reloads the page once its answers are delivered, then shows the card as a preview (the demo
 * user was just asked, so no card comes by itself). */
async function reloadAndPreview(page) {
  await delivered(page);
  await page.reload();
  await page.getByRole('button', { name: 'Preview survey' }).click();
  await page.getByRole('dialog').waitFor();
}

/** The card's section: its classes, lang, dir and question. */
const card = (page) => page.evaluate(() => {
  const section = document.querySelector('nps-widget')?.shadowRoot.querySelector('.card');
  return section && { classes: section.className, lang: section.lang, dir: section.dir, question: section.querySelector('h2').textContent, background: getComputedStyle(section).backgroundColor };
});

test('a clean load: the card, a favicon, no console error or warning, no failed request', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await watchedPage(context);
  const favicon = page.waitForResponse((r) => r.url().endsWith('/favicon.svg'));
  await page.goto(collector.url + '/');
  await page.getByRole('dialog').waitFor();
  const icon = await favicon;
  assert.equal(icon.status(), 200);
  assert.equal(icon.headers()['content-type'], 'image/svg+xml');
  assert.equal(await page.locator('link[rel=icon]').getAttribute('href'), 'favicon.svg');
  // Time for anything late (the browser's own icon request, the display's delivery) to fail.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('theme switch: light, dark and auto for the page and the card, kept across a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark', reducedMotion: 'reduce' });
  const page = await watchedPage(context, { aborts: false });
  await page.goto(collector.url + '/');
  await page.getByRole('dialog').waitFor();
  const pageBackground = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // Auto by default: a dark system gives a dark page and a dark card.
  assert.equal(await page.getByRole('radio', { name: 'Auto' }).isChecked(), true);
  assert.equal(await pageBackground(), 'rgb(17, 21, 32)');
  assert.match((await card(page)).classes, /\bauto\b/);
  assert.equal((await card(page)).background, 'rgb(31, 36, 48)');

  await page.getByRole('radio', { name: 'Light' }).check();
  await page.waitForFunction(() => document.querySelector('nps-widget')?.shadowRoot.querySelector('.card.light'));
  assert.equal(await pageBackground(), 'rgb(244, 246, 251)');
  assert.equal((await card(page)).background, 'rgb(255, 255, 255)', 'the card shown again, light');

  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.waitForFunction(() => document.querySelector('nps-widget')?.shadowRoot.querySelector('.card.dark'));
  assert.equal(await pageBackground(), 'rgb(17, 21, 32)');

  await reloadAndPreview(page);
  assert.equal(await page.getByRole('radio', { name: 'Dark' }).isChecked(), true, 'kept across a reload');
  assert.match((await card(page)).classes, /\bdark\b/);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('language switch: the card in the chosen language (right to left for Arabic), kept across a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  const page = await watchedPage(context, { aborts: false });
  await page.goto(collector.url + '/');
  await page.getByRole('dialog').waitFor();
  const select = page.getByRole('combobox', { name: 'Language' });
  assert.equal(await select.locator('option').count(), 42, "the browser's language and the 41 built-in ones");
  await select.selectOption('ar');
  await page.waitForFunction(() => document.querySelector('nps-widget')?.shadowRoot.querySelector('.card[lang=ar]'));
  const arabic = await card(page);
  assert.equal(arabic.dir, 'rtl');
  assert.equal(arabic.question, 'ما مدى احتمال أن توصي صديقًا أو زميلًا باستخدام Acme Analytics؟');
  await select.selectOption('de');
  await page.waitForFunction(() => document.querySelector('nps-widget')?.shadowRoot.querySelector('.card[lang=de]'));
  assert.equal((await card(page)).dir, 'ltr');
  await reloadAndPreview(page);
  assert.equal(await page.getByRole('combobox', { name: 'Language' }).inputValue(), 'de');
  await page.waitForFunction(() => document.querySelector('nps-widget')?.shadowRoot.querySelector('.card[lang=de]'));
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('axe-core finds nothing on the demo page, light and dark, desktop and phone', async () => {
  for (const theme of ['light', 'dark']) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
      await context.addInitScript((theme) => localStorage.setItem('acme-demo:settings', JSON.stringify({ theme, language: '' })), theme);
      const page = await watchedPage(context);
      await page.goto(collector.url + '/');
      await page.getByRole('dialog').waitFor();
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`));
      assert.deepEqual(violations, [], `${theme} ${viewport.width} px`);
      assert.deepEqual(page.problems, []);
      await context.close();
    }
  }
});
