// Email and link surveys in Chromium, against the real collector: an email's score link opens
// the hosted page, which records the score (channel "email") once its script runs and completes
// the answer with the comment; the link opened again continues the same answer (and once it is
// complete says thank you); a client that runs no script records nothing; a tampered link gets
// the friendly page; a user who answered by email is not eligible in the app; the page keeps
// its strict policy, reads right to left, fits a phone, and axe-core finds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, OUTPUT, COLLECTOR, startCollector, launch, openPage, eventually, rows } from './harness.mjs';

const TOKEN = 'npsa_e2e_links_token_0123456789abcdef';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let collector, browser;

before(async () => {
  process.env.NPS_ADMIN_TOKEN = TOKEN;
  collector = await startCollector({ args: ['--product', 'Acme', '--accent', '#7c3aed', '--survey', 'support=csat'] });
  delete process.env.NPS_ADMIN_TOKEN;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
});

/** A signed link for `userId` (POST /v1/links, as an admin). */
async function makeLink(userId, { survey = 'nps', language } = {}) {
  const response = await fetch(collector.url + '/v1/links', {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ survey, userId, email: `${userId}@example.com`, language }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).url;
}

const answersOf = (userId) => rows(collector.db).filter((row) => row.user_id === userId);

/** The decoded parts of a MIME message written by `email --dry-run`, by content type. */
function mimeParts(message) {
  const boundary = message.match(/boundary="([^"]+)"/)[1];
  const parts = {};
  for (const chunk of message.split('--' + boundary).slice(1, -1)) {
    const [head, ...body] = chunk.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const type = head.match(/Content-Type: ([^;\s]+)/i)[1];
    let text = body.join('\n\n');
    if (/quoted-printable/i.test(head)) {
      // Soft line breaks go; =XX are bytes of UTF-8.
      const bytes = [];
      const joined = text.replace(/=\r?\n/g, '');
      for (let at = 0; at < joined.length; at += 1) {
        if (joined[at] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(at + 1, at + 3))) {
          bytes.push(parseInt(joined.slice(at + 1, at + 3), 16));
          at += 2;
        } else {
          bytes.push(...Buffer.from(joined[at], 'utf8'));
        }
      }
      text = Buffer.from(bytes).toString('utf8');
    }
    parts[type] = text;
  }
  return parts;
}

/** Resolves once the card's height no longer moves between two steps (for screenshots). */
const settled = (page) => page.waitForFunction(() => {
  const root = document.querySelector('nps-widget')?.shadowRoot;
  return root && !root.querySelector('[style*="nps-h"]') && root.getAnimations({ subtree: true }).length === 0;
});

/** The open card's shadow root's text, or ''. */
const cardText = (page) => page.evaluate(() => document.querySelector('nps-widget')?.shadowRoot?.textContent ?? '');

test('an email score link records one answer (channel email) by the page script; the comment completes it', async () => {
  const context = await browser.newContext();
  const url = await makeLink('u_email_1');
  const page = await openPage(context, url + '&score=3');
  // The follow-up step: the score was recorded by the page's script.
  await page.locator('nps-widget textarea').waitFor();
  const scored = await eventually(() => answersOf('u_email_1').find((row) => row.score === 3));
  assert.ok(scored, 'the score was stored');
  assert.equal(scored.channel, 'email');
  assert.equal(scored.complete, false);
  assert.equal(scored.trigger_name, 'email');
  assert.equal(scored.user_email, 'u_email_1@example.com');
  assert.equal(scored.survey, 'nps');
  assert.equal(await page.locator('nps-widget [role="radio"][aria-checked="true"]').count(), 1);
  assert.equal(await page.locator('nps-widget .close').isVisible(), false, 'a page has nothing to close');
  await settled(page);
  await page.screenshot({ path: join(OUTPUT, 'link-follow-up.png') });

  await page.locator('nps-widget textarea').fill('Exports keep failing');
  await page.locator('nps-widget button[data-action="send"]').click();
  const complete = await eventually(() => answersOf('u_email_1').find((row) => row.complete));
  assert.ok(complete, 'the comment completed the answer');
  assert.equal(complete.comment, 'Exports keep failing');
  assert.equal(complete.id, scored.id, 'the same answer');
  assert.equal(answersOf('u_email_1').length, 1, 'exactly one answer');
  // The thank-you step stays: it is the page.
  await settled(page);
  assert.match(await cardText(page), /thank/i);
  await page.screenshot({ path: join(OUTPUT, 'link-thanks.png') });

  // The same link again (another score clicked in the same email): no second answer, a
  // thank-you page instead of a card.
  const again = await openPage(context, url + '&score=10');
  assert.match(await again.locator('h1').textContent(), /thank/i);
  assert.equal(await again.locator('nps-widget').count(), 0);
  assert.equal(answersOf('u_email_1').length, 1);
  assert.equal(answersOf('u_email_1')[0].score, 3);
  assert.deepEqual([...page.pageErrors, ...page.consoleErrors, ...again.pageErrors], []);

  // Answered by email: not asked in the app (the collector's eligibility, one clock).
  const verdict = await (await fetch(`${collector.url}/v1/eligibility?userId=u_email_1&survey=nps`)).json();
  assert.equal(verdict.eligible, false);
  assert.match(verdict.reason, /answered/);
  await context.close();
});

test('an email written by `nps-collector email`, opened in Chromium: its score link records the score', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-e2e-email-'));
  writeFileSync(join(dir, 'users.csv'), 'user_id,email,language\nu_mail,ada@example.com,de\n');
  execFileSync(COLLECTOR, ['email', '--csv', join(dir, 'users.csv'), '--dry-run', join(dir, 'out'),
    '--from', 'Acme <nps@acme.example>', '--product', 'Acme', '--public-url', collector.url, '--db', collector.db]);
  const [file] = readdirSync(join(dir, 'out'));
  const parts = mimeParts(readFileSync(join(dir, 'out', file), 'utf8'));
  const context = await browser.newContext({ viewport: { width: 700, height: 640 } });
  const mail = await context.newPage();
  // The email as a mail client draws it: its HTML part, scripts off as in any mail client.
  await mail.setContent(parts['text/html']);
  await mail.screenshot({ path: join(OUTPUT, 'email-de.png') });
  await mail.setViewportSize({ width: 360, height: 640 });
  await mail.emulateMedia({ colorScheme: 'dark' });
  const overflow = await mail.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the email fits a phone (${overflow} px too wide)`);
  await mail.screenshot({ path: join(OUTPUT, 'email-de-phone-dark.png') });
  await mail.setViewportSize({ width: 700, height: 640 });
  const links = await mail.locator('a[href*="score="]').evaluateAll((as) => as.map((a) => [a.textContent.trim(), a.href]));
  assert.deepEqual(links.map(([text]) => text), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  assert.ok(parts['text/plain'].includes(links[9][1]), 'the text part carries the same links');
  await mail.locator('a[href*="score=9"]').click();
  await mail.waitForURL(/\/s\/nps\?t=/);
  await mail.locator('nps-widget textarea').waitFor();
  const stored = await eventually(() => answersOf('u_mail').find((row) => row.score === 9));
  assert.ok(stored, 'the score from the email is stored');
  assert.equal(stored.channel, 'email');
  assert.equal(stored.language, 'de');
  assert.equal(answersOf('u_mail').length, 1);
  await context.close();
});

test('the unsubscribe link of an email: a page with one button (axe-clean), then no more emails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-e2e-unsubscribe-'));
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, 'user_id,email,language\nu_unsub,Grace@example.com,fr\n');
  const campaign = () => execFileSync(COLLECTOR, ['email', '--csv', csv, '--dry-run', join(dir, 'out'),
    '--from', 'Acme <nps@acme.example>', '--product', 'Acme', '--public-url', collector.url, '--db', collector.db],
  { encoding: 'utf8' });
  assert.match(campaign(), /written 1/);
  const [file] = readdirSync(join(dir, 'out'));
  const message = readFileSync(join(dir, 'out', file), 'utf8');
  const header = message.match(/^List-Unsubscribe: <([^>]+)>/m)[1];
  const parts = mimeParts(message);
  // axe-core is injected as a script, which the page's own policy would block.
  const context = await browser.newContext({ bypassCSP: true });
  const mail = await context.newPage();
  await mail.setContent(parts['text/html']);
  const footer = await mail.locator('a:not([href*="score="])').getAttribute('href');
  assert.equal(footer, header, 'the footer link is the header\'s');
  await mail.locator('a:not([href*="score="])').click();
  await mail.waitForURL(/\/unsubscribe\?t=/);
  assert.equal(await mail.getAttribute('html', 'lang'), 'fr');
  await mail.addScriptTag({ path: AXE });
  const violations = await mail.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => v.id));
  assert.deepEqual(violations, []);
  await mail.screenshot({ path: join(OUTPUT, 'unsubscribe-fr.png') });
  // Opening the page unsubscribed no one: the next campaign would still write to them.
  assert.match(campaign(), /written 1/);
  await mail.locator('button').click();
  await mail.waitForLoadState();
  assert.match(await mail.locator('h1').textContent(), /désabonné|desabonne|désinscrit/i);
  await mail.screenshot({ path: join(OUTPUT, 'unsubscribed-fr.png') });
  assert.match(campaign(), /written 0, skipped 1/);
  await context.close();
});

test('a link opened and left: the answer stays open for the link\'s next view, whatever was clicked in which tab', async () => {
  const context = await browser.newContext();
  const url = await makeLink('u_email_2');
  // Opened without a score and closed: the display only, and the card again next time.
  const first = await openPage(context, url);
  await first.locator('nps-widget [role="radio"]').first().waitFor();
  await eventually(() => answersOf('u_email_2').length === 1);
  await first.close();
  const second = await openPage(context, url);
  const radios = second.locator('nps-widget [role="radio"]');
  await radios.first().waitFor();
  // Escape closes a card in the app; on its own page the card stays.
  await radios.first().focus();
  await second.keyboard.press('Escape');
  assert.equal(await radios.count(), 11, 'the card stays after Escape');
  await radios.nth(8).click();
  await second.locator('nps-widget textarea').waitFor();
  const scored = await eventually(() => answersOf('u_email_2').find((row) => row.score === 8));
  assert.ok(scored, 'the score is stored');
  assert.equal(answersOf('u_email_2').length, 1, 'the same answer');
  // Another score clicked in the same email, in another tab, then the first tab closed: the
  // closing tab does not freeze its score; the second tab's comment completes the answer.
  const third = await openPage(context, url + '&score=10');
  await third.locator('nps-widget textarea').waitFor();
  await eventually(() => answersOf('u_email_2').find((row) => row.score === 10));
  await second.close();
  assert.equal((await eventually(() => answersOf('u_email_2')[0]))?.complete, false, 'still open after the first tab closed');
  await third.locator('nps-widget textarea').fill('Love the new exports');
  await third.locator('nps-widget button[data-action="send"]').click();
  const done = await eventually(() => answersOf('u_email_2').find((row) => row.complete));
  assert.ok(done, 'the comment completed it');
  assert.deepEqual([done.score, done.comment], [10, 'Love the new exports']);
  // Left after a score without a comment: the link shows the score chosen, at the comment step.
  const url2 = await makeLink('u_email_3');
  const fourth = await openPage(context, url2 + '&score=6');
  await fourth.locator('nps-widget textarea').waitFor();
  await eventually(() => answersOf('u_email_3').find((row) => row.score === 6));
  await fourth.close();
  const fifth = await openPage(context, url2);
  await fifth.locator('nps-widget textarea').waitFor();
  assert.equal(await fifth.locator('nps-widget [role="radio"][aria-checked="true"]').textContent(), '6');
  assert.equal(answersOf('u_email_3').length, 1);
  assert.equal(answersOf('u_email_3')[0].complete, false);
  await context.close();
});

test('a client that runs no script records nothing', async () => {
  const url = await makeLink('u_scanner');
  // A mail scanner: a plain GET of every link in the email.
  for (let score = 0; score <= 10; score += 1) {
    const response = await fetch(`${url}&score=${score}`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /id="nps-survey"/);
  }
  // A browser with scripts off: the page asks for them, records nothing.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await openPage(context, url + '&score=9');
  assert.match(await page.locator('main').textContent(), /JavaScript/);
  await context.close();
  const seen = await openPage(await browser.newContext(), collector.url + '/');
  await seen.close();
  assert.deepEqual(answersOf('u_scanner'), []);
});

test('a tampered link gets the friendly page; the survey page reads right to left in Arabic', async () => {
  const context = await browser.newContext();
  const url = await makeLink('u_tamper');
  const page = await openPage(context, url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
  assert.equal(await page.locator('h1').textContent(), 'This link does not work');
  await page.screenshot({ path: join(OUTPUT, 'link-invalid.png') });
  assert.deepEqual(answersOf('u_tamper'), []);

  const arabic = await openPage(context, (await makeLink('u_rtl', { language: 'ar' })) + '&score=10');
  await arabic.locator('nps-widget textarea').waitFor();
  assert.equal(await arabic.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await arabic.locator('nps-widget section').getAttribute('dir'), 'rtl');
  await settled(arabic);
  await arabic.screenshot({ path: join(OUTPUT, 'link-arabic.png') });
  await context.close();
});

test('an anonymous link is a "link" survey of the survey\'s kind', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, collector.url + '/s/support');
  const radios = page.locator('nps-widget [role="radio"]');
  await radios.first().waitFor();
  assert.equal(await radios.count(), 5, 'a CSAT scale');
  await radios.nth(4).click();
  const stored = await eventually(() => rows(collector.db).find((row) => row.survey === 'support' && row.score === 5));
  assert.ok(stored);
  assert.equal(stored.channel, 'link');
  assert.equal(stored.user_id, null);
  await context.close();
});

for (const [name, options] of [
  ['desktop, light', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
  ['phone, dark', { viewport: { width: 360, height: 740 }, colorScheme: 'dark', isMobile: true, hasTouch: true }],
]) {
  test(`the hosted page: axe-core finds nothing, nothing overflows (${name})`, async () => {
    // axe-core is injected as a script, which the page's own policy would block.
    const context = await browser.newContext({ ...options, bypassCSP: true });
    const url = await makeLink(`u_axe_${name.replace(/\W/g, '')}`, { language: 'de' });
    const page = await openPage(context, url);
    await page.locator('nps-widget [role="radio"]').first().waitFor();
    const check = async (step) => {
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, [], `axe, ${step}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal overflow on ${step} (${overflow} px)`);
    };
    await check('the score step');
    await settled(page);
    await page.screenshot({ path: join(OUTPUT, `link-page-${name.replace(/\W+/g, '-')}.png`) });
    await page.locator('nps-widget [role="radio"]').nth(9).click();
    await page.locator('nps-widget textarea').waitFor();
    await check('the follow-up step');
    await settled(page);
    await page.screenshot({ path: join(OUTPUT, `link-page-follow-up-${name.replace(/\W+/g, '-')}.png`) });
    // The friendly pages too.
    await page.goto(url.replace('?t=', '?t=x'));
    await check('the friendly page');
    await context.close();
  });
}
