// Hooks from the dashboard, in Chromium, against the real collector and a receiver on
// loopback: a hook added from the page sends a signed test delivery (checked here with
// node:crypto), a detractor's answer arrives, the page's link to the answer opens it for
// follow-up, a failed delivery is sent again from its row, a digest-only hook sends
// yesterday's digest as its test, a hook is edited, a delivery queued with its answer survives
// SIGKILL and is sent once after the restart (verified by the standardwebhooks package),
// pausing shows, and axe-core finds nothing with a hook and its deliveries open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { ROOT, OUTPUT, startCollector, startOnPort, launch, openPage, eventually } from './harness.mjs';

const TOKEN = 'npsa_e2e_hooks_token_0123456789abcdef';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const ANSWER = '7a1c2e3f-4b5d-4c6e-8f70-0123456789ab';

let collector, browser, receiver;
const received = [];
/** How many of the next requests the receiver answers with 500. */
let failures = 0;

before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end('receiver down');
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  process.env.NPS_ADMIN_TOKEN = TOKEN;
  collector = await startCollector({ args: ['--allow-private-hooks'] });
  delete process.env.NPS_ADMIN_TOKEN;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  receiver?.close();
});

const receiverUrl = () => `http://127.0.0.1:${receiver.address().port}/hooks/nps`;

async function api(path, options = {}) {
  const response = await fetch(collector.url + path, {
    ...options,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A logged-in dashboard page at `search`, with the hooks drawn. */
async function dashboard(search = '', options = {}) {
  const context = await browser.newContext(options);
  const page = await openPage(context);
  await page.goto(collector.url + '/dashboard/login');
  await page.getByLabel(/token/i).fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/dashboard/');
  await page.goto(`${collector.url}/dashboard/${search}`);
  await page.locator('#hooks > li').first().waitFor();
  return { context, page };
}

/** The Standard Webhooks signature of a received request, by node:crypto. */
function signature(secret, request) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`;
  return 'v1,' + createHmac('sha256', key).update(signed).digest('base64');
}

let secret;

test('a hook added from the page sends a signed test delivery, shown as delivered', async () => {
  // The secret's Copy button writes to the clipboard, which the test then reads.
  const { context, page } = await dashboard('', { permissions: ['clipboard-read', 'clipboard-write'] });
  assert.equal(await page.textContent('#hooks'), 'No hooks yet.');
  await page.getByText('Add a hook').click();
  const form = page.locator('#hook-form');
  await form.getByLabel('Name').fill('Support desk');
  await form.getByLabel('URL').fill(receiverUrl());
  await form.getByLabel('Format').selectOption('webhook');
  await form.getByLabel('Answers').selectOption('detractor');
  await form.getByRole('button', { name: 'Add hook' }).click();
  const shown = page.locator('#hook-added code');
  await shown.waitFor();
  secret = await shown.textContent();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{32}$/);
  assert.match(await page.textContent('#hook-added'), /^Added “Support desk”\. Its signing secret, shown this once: whsec_/);
  await page.locator('#hook-added').getByRole('button', { name: 'Copy' }).click();
  await page.locator('#hook-added').getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await page.locator('#hook-added').screenshot({ path: join(OUTPUT, 'hooks-secret.png') });
  const item = page.locator('#hooks > li').first();
  assert.match(await item.textContent(), /Support desk.*Signed webhook to 127\.0\.0\.1:\d+ · final answer · detractor/);

  await item.getByRole('button', { name: 'Send a test' }).click();
  assert.ok(await eventually(() => received.length === 1), 'the test delivery arrived');
  const request = received[0];
  assert.equal(request.headers['webhook-signature'], signature(secret, request));
  // The Standard Webhooks library verifies it as a receiver would (signature and timestamp).
  const event = new Webhook(secret).verify(request.body, request.headers);
  assert.equal(event.type, 'response.completed');
  assert.equal(event.data.sample, true);
  await item.locator('details').getByText(/delivered/).waitFor();
  assert.deepEqual(page.pageErrors, []);
  assert.deepEqual(page.consoleErrors, []);
  await context.close();
});

test('a detractor is delivered, and its link opens the answer for follow-up', async () => {
  const body = {
    id: ANSWER, key: '0123456789abcdef0123456789abcdef', type: 'response', kind: 'nps', score: 2,
    category: 'detractor', comment: 'Exports time out', complete: true,
    user: { id: 'u_7', email: 'grace@example.com', properties: { plan: 'pro' } },
    shownAt: new Date(Date.now() - 10_000).toISOString(),
  };
  const posted = await fetch(collector.url + '/v1/responses', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(posted.status, 202);
  assert.ok(await eventually(() => received.length === 2), 'the answer was delivered');
  const request = received[1];
  assert.equal(request.headers['webhook-signature'], signature(secret, request));
  assert.equal(JSON.parse(request.body).data.id, ANSWER);

  const { context, page } = await dashboard(`?answer=${ANSWER}`);
  // The hook's log: the answer's delivery, above the test's, which says it is one; each
  // queued today, shown to the second.
  const item = page.locator('#hooks > li').first();
  await item.locator('details > summary').click();
  const rows = item.locator('details tbody tr');
  await rows.nth(1).waitFor();
  const [answerRow, testRow] = [await rows.nth(0).locator('td').allTextContents(), await rows.nth(1).locator('td').allTextContents()];
  assert.equal(answerRow[1], 'final answer');
  assert.equal(testRow[1], 'final answer (test)');
  assert.match(answerRow[0], /^\d{1,2}:\d{2}:\d{2}/);
  const linked = page.locator('#linked');
  await linked.getByText('Exports time out').waitFor();
  assert.equal(await linked.isVisible(), true);
  await linked.getByRole('button', { name: 'Claim' }).click();
  await linked.getByText(/claimed by admin/).waitFor();
  const { body: stored } = await api(`/v1/answers/${ANSWER}`);
  assert.deepEqual([stored.followUp.status, stored.followUp.assignee], ['claimed', 'admin']);
  await context.close();
});

test('a failed delivery shows its answer and is sent again from its row', async () => {
  const { context, page } = await dashboard();
  const item = page.locator('#hooks > li').first();
  const before = received.length;
  failures = 1;
  await item.getByRole('button', { name: 'Send a test' }).click();
  const row = page.locator('#hooks > li').first().locator('details tbody tr').first();
  await row.getByText(/500 receiver down/).waitFor();
  assert.match(await row.textContent(), /pending, next/);
  // The hook's line says its receiver is failing, until a delivery gets through.
  await item.getByText(/receiver failing, next try/).waitFor();
  await row.getByRole('button', { name: 'Send again' }).click();
  await page.locator('#hooks > li').first().locator('details tbody tr').first()
    .getByText('delivered').waitFor();
  await page.locator('#hooks > li').first().getByText(/receiver failing/).waitFor({ state: 'detached' });
  // The list and the log were drawn again meanwhile; the keyboard's focus stayed on the button.
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label') || document.activeElement.tagName), /^Send again: final answer \(test\)/);
  assert.equal(received.length, before + 2);
  // Both attempts of one delivery carry one webhook-id.
  assert.equal(received[before].headers['webhook-id'], received[before + 1].headers['webhook-id']);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('a digest-only hook added from the page sends yesterday\'s digest as its test', async () => {
  const { context, page } = await dashboard();
  await page.getByText('Add a hook').click();
  const form = page.locator('#hook-form');
  await form.getByLabel('Name').fill('Morning digest');
  await form.getByLabel('URL').fill(receiverUrl());
  await form.getByLabel('Format').selectOption('webhook');
  await form.getByLabel('final answer').uncheck();
  await form.getByRole('combobox', { name: /^Hour/ }).selectOption('09:00');
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByRole('button', { name: 'Add hook' }).click();
  const item = page.locator('#hooks > li').nth(1);
  await item.getByText(/daily digest at 09:00 Europe\/Berlin/).waitFor();
  assert.doesNotMatch(await item.textContent(), /final answer/);
  const before = received.length;
  await item.getByRole('button', { name: 'Send a test' }).click();
  assert.ok(await eventually(() => received.length === before + 1), 'the digest arrived');
  const event = JSON.parse(received[before].body);
  assert.equal(event.type, 'digest.daily');
  const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' });
  assert.equal(event.data.date, yesterday);
  assert.equal(event.data.timeZone, 'Europe/Berlin');
  const row = page.locator('#hooks > li').nth(1).locator('details tbody tr').first();
  await row.getByText('delivered').waitFor();
  assert.match(await row.textContent(), /daily digest/);
  const { body } = await api('/v1/hooks');
  assert.deepEqual(body.hooks[1].events, []);
  assert.deepEqual(body.hooks[1].digest, { hour: 9, timeZone: 'Europe/Berlin' });
  await context.close();
});

test('a hook is edited from the page, keeping the filter rules the form does not show', async () => {
  const { body: made } = await api('/v1/hooks', {
    method: 'POST',
    body: JSON.stringify({ name: 'Pro plan', url: receiverUrl(), format: 'slack',
      filter: { where: ['user.properties.plan:pro'], minScore: 0 } }),
  });
  const { context, page } = await dashboard();
  const item = page.locator(`#hooks > li[data-hook="${made.id}"]`);
  await item.getByRole('button', { name: 'Edit' }).click();
  const form = page.locator('#hook-form');
  assert.equal(await page.locator('#hook-form-title').textContent(), 'Edit “Pro plan”');
  assert.equal(await form.getByLabel('Name').inputValue(), 'Pro plan');
  assert.equal(await form.getByLabel('Format').isDisabled(), true);
  await form.getByLabel('Name').fill('Pro plan detractors');
  await form.getByLabel('Answers').selectOption('detractor');
  await form.getByLabel('decline').check();
  await form.getByRole('combobox', { name: /^Hour/ }).selectOption('07:00');
  await form.getByLabel('Time zone').fill('America/New_York');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await page.locator(`#hooks > li[data-hook="${made.id}"]`)
    .getByText(/final answer, decline · daily digest at 07:00 America\/New_York · detractor, score ≥ 0, user.properties.plan:pro/).waitFor();
  const { body: saved } = await api(`/v1/hooks/${made.id}`);
  assert.equal(saved.name, 'Pro plan detractors');
  assert.deepEqual(saved.events, ['response.completed', 'decline.created']);
  assert.deepEqual(saved.filter, { categories: ['detractor'], minScore: 0, where: ['user.properties.plan:pro'] });
  assert.deepEqual(saved.digest, { hour: 7, timeZone: 'America/New_York' });
  // The form is back to adding.
  assert.equal(await page.locator('#hook-form-title').textContent(), 'Add a hook');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('deleting the hook being edited puts the form back to adding', async () => {
  const { body: made } = await api('/v1/hooks', {
    method: 'POST',
    body: JSON.stringify({ name: 'Short-lived', url: receiverUrl(), format: 'slack', events: ['response.completed'] }),
  });
  const { context, page } = await dashboard();
  const item = page.locator(`#hooks > li[data-hook="${made.id}"]`);
  await item.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await page.locator('#hook-form-title').textContent(), 'Edit “Short-lived”');
  page.once('dialog', (dialog) => dialog.accept());
  await item.getByRole('button', { name: 'Delete' }).click();
  await item.waitFor({ state: 'detached' });
  assert.equal(await page.locator('#hook-form-title').textContent(), 'Add a hook');
  assert.equal(await page.locator('#hook-form').getByLabel('Name').inputValue(), '');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('receiver down, collector killed with SIGKILL and restarted: delivered once, verified by standardwebhooks', async () => {
  // A port with nothing listening: the receiver is down.
  const down = createServer();
  await new Promise((resolve) => down.listen(0, '127.0.0.1', resolve));
  const port = down.address().port;
  await new Promise((resolve) => down.close(resolve));

  process.env.NPS_ADMIN_TOKEN = TOKEN;
  const crashing = await startCollector({ args: ['--allow-private-hooks'] });
  delete process.env.NPS_ADMIN_TOKEN;
  const call = (path, body) => fetch(crashing.url + path, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());
  try {
    const hook = await call('/v1/hooks', { name: 'CRM', url: `http://127.0.0.1:${port}/hooks`, format: 'webhook',
      filter: { categories: ['detractor'] } });
    const id = '5b2d3e4f-4b5d-4c6e-8f70-0123456789ab';
    const posted = await fetch(crashing.url + '/v1/responses', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, type: 'response', kind: 'nps', score: 1, category: 'detractor', comment: 'Crash test',
        complete: true, user: { id: 'u_crash' }, shownAt: new Date(Date.now() - 5_000).toISOString() }),
    });
    assert.equal(posted.status, 202);
    // Killed at once: the delivery was written with the answer, not yet sent.
    const collectorPort = Number(new URL(crashing.url).port);
    await crashing.stop('SIGKILL');

    const got = [];
    const up = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise((resolve) => up.listen(port, '127.0.0.1', resolve));
    try {
      await startOnPort(crashing, collectorPort);
      // Sent as soon as the restarted worker looks (or, had an attempt found the receiver down
      // before the kill, when the hook's 30 s hold ends).
      assert.ok(await eventually(async () => {
        const { deliveries } = await call(`/v1/hooks/${hook.id}/deliveries`);
        return deliveries.length === 1 && deliveries[0].status === 'delivered';
      }, { timeout: 45_000, interval: 200 }), 'delivered after the restart');
      assert.equal(got.length, 1);
      const event = new Webhook(hook.secret).verify(got[0].body, got[0].headers);
      assert.equal(event.type, 'response.completed');
      assert.equal(event.data.id, id);
      assert.equal(event.data.comment, 'Crash test');
    } finally {
      up.close();
    }
  } finally {
    await crashing.stop();
  }
});

test('pausing a hook shows, and a paused hook sends nothing', async () => {
  const { context, page } = await dashboard();
  const item = page.locator('#hooks > li').first();
  await item.getByRole('button', { name: 'Pause' }).click();
  await page.locator('#hooks > li').first().getByText(/paused/).waitFor();
  // The keyboard's focus stays on the button that was pressed.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Resume');
  const { body } = await api('/v1/hooks');
  assert.equal(body.hooks[0].paused, true);
  // A test of a paused hook is refused, and the page says why.
  await page.locator('#hooks > li').first().getByRole('button', { name: 'Send a test' }).click();
  await page.locator('#hook-error').getByText(/the hook is paused: resume it to send a test/).waitFor();
  await context.close();
});

test('a hook the collector refuses says why beside the form\'s button; a Slack hook added says so', async () => {
  const { context, page } = await dashboard();
  await page.getByText('Add a hook').click();
  const form = page.locator('#hook-form');
  await form.getByLabel('Name').fill('#nps');
  await form.getByLabel('URL').fill('ftp://example.com/hooks');
  await form.getByRole('button', { name: 'Add hook' }).click();
  const error = page.locator('#hook-form-error');
  await error.getByText(/url/).waitFor();
  // Inside the form, just before its button, not above the form where a long form hides it.
  assert.equal(await error.evaluate((e) => e.nextElementSibling.id), 'hook-submit');
  assert.equal(await page.locator('#hook-error').isHidden(), true);
  // Cancel is for editing: adding has none.
  assert.equal(await page.locator('#hook-cancel').isHidden(), true);
  await page.locator('#hooks').locator('..').screenshot({ path: join(OUTPUT, 'hooks-form-error.png') });

  await form.getByLabel('URL').fill(receiverUrl());
  await form.getByRole('button', { name: 'Add hook' }).click();
  await page.locator('#hook-added').getByText('Added “#nps”. Send a test to see its message arrive.').waitFor();
  assert.equal(await error.isHidden(), true);
  assert.equal(await page.locator('#hook-added code').count(), 0);
  const { body } = await api('/v1/hooks');
  const added = body.hooks.find((hook) => hook.name === '#nps');
  assert.equal(added.format, 'slack');
  await api(`/v1/hooks/${added.id}`, { method: 'DELETE' });
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    test(`axe with a hook, its deliveries and the form open: ${colorScheme}, ${viewport.width} px`, async () => {
      const { context, page } = await dashboard('', { colorScheme, viewport, bypassCSP: true });
      await page.locator('#hooks details summary').first().click();
      await page.locator('#hooks details table').waitFor();
      await page.getByText('Add a hook').click();
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
      });
      assert.deepEqual(violations, []);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
      await page.locator('#hooks').screenshot({ path: join(OUTPUT, `hooks-${colorScheme}-${viewport.width}.png`) });
      await context.close();
    });
  }
}
