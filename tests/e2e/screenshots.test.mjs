// Screenshots of every step of the card (the score, the follow-up with a comment typed, the
// thank-you) on the demo app: light, dark, Arabic (right to left) on a desktop, and on a phone.
// Each step is written to tests/output/screenshots/, and each variant's three steps side by side
// to tests/output/screenshots/steps-<variant>.png, the form kept in docs/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { startCollectorAndBrowser, stopCollectorAndBrowser, openPage, ROOT, OUTPUT } from './harness.mjs';

const SHOTS = join(OUTPUT, 'screenshots');
const VARIANTS = [
  { name: 'light', viewport: { width: 1280, height: 800 }, settings: { theme: 'light', language: 'en' }, score: 9 },
  { name: 'dark', viewport: { width: 1280, height: 800 }, settings: { theme: 'dark', language: 'en' }, score: 7 },
  { name: 'ar', viewport: { width: 1280, height: 800 }, settings: { theme: 'light', language: 'ar' }, score: 3 },
  { name: 'phone', viewport: { width: 390, height: 844 }, settings: { theme: 'light', language: 'en' }, score: 10, phone: true },
];
const COMMENTS = { en: 'The weekly report saves me an hour every Monday.', ar: 'التقارير بطيئة في التحميل.' };

let collector, browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ collector, browser } = await startCollectorAndBrowser({ www: join(ROOT, 'www') }));
});
after(() => stopCollectorAndBrowser({ collector, browser }));

/** The part of the page a step is shown in: the card with a margin (the whole screen on a phone). */
async function clipOf(page, variant) {
  if (variant.phone) return undefined;
  const box = await page.locator('nps-widget .card').boundingBox();
  const margin = 32;
  const x = Math.max(0, box.x - margin), y = Math.max(0, box.y - margin);
  return { x, y, width: Math.min(variant.viewport.width - x, box.width + 2 * margin), height: Math.min(variant.viewport.height - y, box.height + 2 * margin) };
}

test('screenshots of every step: light, dark, Arabic and a phone, each variant also side by side', async () => {
  for (const variant of VARIANTS) {
    const context = await browser.newContext({
      viewport: variant.viewport, deviceScaleFactor: 2, reducedMotion: 'reduce',
      ...(variant.phone ? { isMobile: true, hasTouch: true } : {}),
    });
    await context.addInitScript((settings) => localStorage.setItem('acme-demo:settings', JSON.stringify(settings)), variant.settings);
    const page = await openPage(context, collector.url + '/');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // On a desktop, the card alone on the page's background.
    if (!variant.phone) await page.addStyleTag({ content: 'body > * { visibility: hidden }' });
    await page.mouse.move(0, 0);
    const files = [];
    const shoot = async (step) => {
      const path = join(SHOTS, `card-${variant.name}-${step}.png`);
      await page.screenshot({ path, clip: await clipOf(page, variant), animations: 'disabled', caret: 'hide' });
      files.push(path);
    };
    await shoot('score');
    await dialog.locator(`[data-score="${variant.score}"]`).click();
    const box = dialog.getByRole('textbox');
    await box.fill(COMMENTS[variant.settings.language]);
    await page.mouse.move(0, 0);
    await box.evaluate((area) => area.blur()); // no caret, no ring: the step as it looks
    await shoot('follow-up');
    await dialog.locator('.send').click();
    await dialog.locator('h2[tabindex="-1"]').waitFor();
    await page.mouse.move(0, 0);
    await shoot('thanks');
    assert.deepEqual(page.pageErrors, [], variant.name);
    await context.close();

    // The three steps side by side, bottom-aligned as the card sits on the page.
    const sheet = await browser.newContext({ viewport: { width: 400, height: 300 }, deviceScaleFactor: 1 });
    const board = await sheet.newPage();
    const images = files.map((f) => 'data:image/png;base64,' + readFileSync(f).toString('base64'));
    await board.setContent(`<body style="margin:0;background:${variant.settings.theme === 'dark' ? '#111520' : '#f4f6fb'}">
      <div id="board" style="display:inline-flex;align-items:flex-end;gap:24px;padding:24px">
      ${images.map((src) => `<img src="${src}" style="display:block;width:${variant.phone ? 390 : 'auto'}px">`).join('')}</div></body>`);
    await board.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
    if (!variant.phone) {
      // Shown at their CSS size (the PNGs have two device pixels per CSS pixel).
      await board.evaluate(() => { for (const img of document.images) img.style.width = img.naturalWidth / 2 + 'px'; });
    }
    const out = join(SHOTS, `steps-${variant.name}.png`);
    await board.locator('#board').screenshot({ path: out });
    assert.ok(readFileSync(out).length > 10000, `${out} has content`);
    await sheet.close();
  }
});
