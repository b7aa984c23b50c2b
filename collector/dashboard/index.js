// The NPS dashboard: reads the filters from the URL, asks the collector's API (the session
// cookie authenticates it), and draws the report, the segments, the comments, the follow-up
// inbox (and the answer a hook's "Follow up" link names, `?answer=ID`) and the hooks. Every
// text from an answer or a hook goes into the page as text, never as HTML.

const CATEGORIES = {
  nps: ['detractor', 'passive', 'promoter'],
  csat: ['unsatisfied', 'neutral', 'satisfied'],
  ces: ['disagree', 'neutral', 'agree'],
};
const CATEGORY_CLASS = ['detractor', 'passive', 'promoter'];
const PAGE = 20;

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text nodes). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return element;
}

// ---- Filters: the URL is the state, so a view can be shared. ----

function today(tz) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

function daysBefore(date, days) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** The filters in the URL, with defaults: the 90 days ending today in the browser's zone. */
function readFilters() {
  const url = new URL(location.href);
  const p = url.searchParams;
  const tz = p.get('tz') || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const to = p.get('to') || today(tz);
  return {
    survey: p.get('survey') || 'nps',
    from: p.get('from') || daysBefore(to, 89),
    to,
    tz,
    interval: p.get('interval') || 'week',
    by: p.get('by') || 'user.properties.plan',
    where: p.getAll('where'),
    category: p.get('category') || '',
    q: p.get('q') || '',
    inbox: p.get('inbox') || 'unassigned',
  };
}

function writeFilters(filters) {
  const p = new URLSearchParams();
  for (const key of ['survey', 'from', 'to', 'tz', 'interval', 'by', 'category', 'q', 'inbox']) {
    if (filters[key]) p.set(key, filters[key]);
  }
  for (const where of filters.where) p.append('where', where);
  history.pushState(null, '', '?' + p);
}

/** The query the API endpoints share: survey, range, zone and segment filters. */
function baseQuery(filters) {
  const p = new URLSearchParams({ survey: filters.survey, from: filters.from, to: filters.to, tz: filters.tz });
  for (const where of filters.where) p.append('where', where);
  return p;
}

// ---- API ----

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options,
    headers: { Accept: 'application/json', ...(options.body ? { 'Content-Type': 'application/json' } : {}) } });
  if (response.status === 401) {
    location.assign('/dashboard/login');
    throw new Error('not logged in');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const what = body?.field ? ` (${body.field})` : '';
    throw new Error((body?.error || `HTTP ${response.status}`) + what);
  }
  return body;
}

// ---- Formatting ----

const number = (n) => (n === null || n === undefined ? '–' : n.toLocaleString());
const percent = (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
const signed = (score, kind) =>
  score === null ? '–' : kind === 'nps' && score > 0 ? `+${score}` : String(score);
const date = (iso) => (iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' }) : '');

function cssColour(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// ---- Report ----

const charts = {};

function drawChart(id, config) {
  charts[id]?.destroy();
  if (!window.Chart) return;
  charts[id] = new window.Chart($(id), config);
}

function table(element, head, rows) {
  element.replaceChildren(
    h('thead', {}, h('tr', {}, head.map(([text, numeric]) => h('th', { scope: 'col', class: numeric ? 'number' : null }, text)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', { class: head[i][1] ? 'number' : null }, cell))))),
  );
}

function renderReport(report, filters) {
  const kind = report.kind;
  const names = CATEGORIES[kind] || CATEGORIES.nps;
  $('empty').hidden = report.displays > 0;
  $('headline-title').textContent =
    { nps: 'Net Promoter Score', csat: 'Customer satisfaction', ces: 'Customer effort' }[kind] || 'Score';
  $('score').textContent = signed(report.score, kind);
  $('margin').textContent = report.margin === null ? '' : `± ${report.margin}`;
  $('counts').textContent =
    `n = ${number(report.responses)} · response rate ${percent(report.responseRate)} · ` +
    `${number(report.displays)} shown, ${number(report.dismissals)} dismissed · ${filters.from} to ${filters.to}`;

  const total = names.reduce((sum, name) => sum + (report.categories[name] || 0), 0);
  const share = (name) => (total ? (report.categories[name] || 0) / total : 0);
  $('split').replaceChildren(...names.map((name, i) => {
    const bar = h('span', { class: CATEGORY_CLASS[i] });
    bar.style.width = `${100 * share(name)}%`;
    return bar;
  }));
  $('split').setAttribute('aria-label',
    names.map((name) => `${name} ${Math.round(100 * share(name))} %`).join(', '));
  $('split-legend').replaceChildren(...names.map((name, i) =>
    h('li', { class: CATEGORY_CLASS[i] }, h('span', {}, `${name} ${number(report.categories[name] || 0)} (${Math.round(100 * share(name))} %)`))));

  const scores = Object.keys(report.distribution).map(Number).sort((a, b) => a - b);
  const colourOf = (score) => {
    const category = CATEGORY_CLASS[names.indexOf(categoryOf(kind, score))];
    return cssColour(`--${category}`);
  };
  drawChart('distribution-chart', {
    type: 'bar',
    data: { labels: scores, datasets: [{ label: 'answers', data: scores.map((s) => report.distribution[s]), backgroundColor: scores.map(colourOf) }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: chartScales() },
  });
  table($('distribution-table'), [['score'], ['answers', true]], scores.map((s) => [String(s), number(report.distribution[s])]));

  drawChart('trend-chart', {
    type: 'line',
    data: {
      labels: report.trend.map((point) => point.start),
      datasets: [{ label: 'score', data: report.trend.map((point) => point.score), borderColor: cssColour('--accent'),
        backgroundColor: cssColour('--accent'), spanGaps: true, tension: 0.2 }],
    },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: chartScales() },
  });
  table($('trend-table'), [[filters.interval], ['score', true], ['±', true], ['responses', true], ['shown', true]],
    report.trend.map((p) => [p.start, signed(p.score, kind), p.margin ?? '–', number(p.responses), number(p.displays)]));

  const segments = report.segments || [];
  $('segments-title').textContent = `Segments by ${$('filters').elements.by.selectedOptions[0]?.textContent || filters.by}`;
  table($('segments-table'), [['value'], ['score', true], ['±', true], ['responses', true], ['shown', true]],
    segments.map((s) => [
      s.value === null || s.value === '(other)'
        ? (s.value ?? '(none)')
        : h('button', { type: 'button', class: 'link', onclick: () => addWhere(filters, `${filters.by}:${s.value}`) }, String(s.value)),
      signed(s.score, kind), s.margin ?? '–', number(s.responses), number(s.displays),
    ]));
}

function chartScales() {
  const grid = { color: cssColour('--line') };
  const ticks = { color: cssColour('--muted') };
  return { x: { grid, ticks }, y: { grid, ticks, beginAtZero: true } };
}

function categoryOf(kind, score) {
  const [low, middle] = { nps: [6, 8], csat: [2, 3], ces: [3, 4] }[kind] || [6, 8];
  const names = CATEGORIES[kind] || CATEGORIES.nps;
  return score <= low ? names[0] : score <= middle ? names[1] : names[2];
}

function addWhere(filters, where) {
  if (!filters.where.includes(where)) filters.where.push(where);
  writeFilters(filters);
  load();
}

function renderChips(filters) {
  $('where').replaceChildren(...filters.where.map((where) =>
    h('li', {}, h('button', {
      type: 'button',
      'aria-label': `Remove filter ${where}`,
      onclick: () => { filters.where = filters.where.filter((w) => w !== where); writeFilters(filters); load(); },
    }, `${where} ✕`))));
}

// ---- Answers: the comments feed and the follow-up inbox ----

function answerItem(answer, me, actions) {
  const kind = answer.kind;
  const names = CATEGORIES[kind] || CATEGORIES.nps;
  const badge = h('span', { class: `badge ${CATEGORY_CLASS[names.indexOf(answer.category)] || ''}` }, String(answer.score ?? '–'));
  const who = [answer.user?.email || answer.user?.id, answer.account?.name].filter(Boolean).join(' · ');
  const plan = answer.user?.properties?.plan;
  const follow = answer.followUp || {};
  const status = follow.status === 'open' ? '' : ` · ${follow.status}${follow.assignee ? ' by ' + follow.assignee : ''}`;
  return h('li', { 'data-id': answer.id },
    h('div', {}, badge, ' ', h('span', { class: 'meta' }, `${date(answer.effectiveShownAt || answer.shownAt)} · ${who || 'anonymous'}${plan ? ' · ' + plan : ''}${status}`)),
    answer.comment ? h('p', { class: 'comment' }, answer.comment) : h('p', { class: 'comment meta' }, 'No comment'),
    follow.note ? h('p', { class: 'meta' }, `Note: ${follow.note}`) : null,
    follow.tags?.length ? h('p', { class: 'meta' }, `Tags: ${follow.tags.join(', ')}`) : null,
    actions ? actions(answer, me) : null);
}

/** How many follow-up changes were sent per answer id, so only the latest answer is drawn. */
const followUpSent = new Map();

/**
 * Draws a stored follow-up on every listing of the answer (it may be listed twice: the linked
 * answer and the inbox). A note or tags typed but not saved yet stay as typed, unless `change`
 * just saved them: claiming while writing a note must not wipe the note.
 */
function showFollowUp(updated, me, change) {
  for (const item of document.querySelectorAll(`li[data-id="${CSS.escape(updated.id)}"]`)) {
    const fresh = answerItem(updated, me, followUpActions);
    for (const name of ['note', 'tags']) {
      const typed = item.querySelector(`input[name="${name}"]`);
      if (typed && typed.value !== typed.defaultValue && !(name in change)) {
        fresh.querySelector(`input[name="${name}"]`).value = typed.value;
      }
    }
    const focused = item.contains(document.activeElement) ? document.activeElement.name : null;
    item.replaceWith(fresh);
    if (focused) fresh.querySelector(`input[name="${focused}"]`)?.focus();
  }
}

/** Claim, note and tags, resolve: the follow-up of one detractor. */
function followUpActions(answer, me) {
  const follow = answer.followUp || {};
  const note = h('input', { name: 'note', value: follow.note || '', maxlength: 5000 });
  const tags = h('input', { name: 'tags', value: (follow.tags || []).join(', ') });
  const box = h('div', { class: 'actions' });
  const patch = async (change) => {
    const sent = (followUpSent.get(answer.id) || 0) + 1;
    followUpSent.set(answer.id, sent);
    try {
      const updated = await api(`/v1/answers/${encodeURIComponent(answer.id)}/follow-up`, { method: 'PATCH', body: JSON.stringify(change) });
      // A later change's answer is the newer state: an earlier one arriving after it is not drawn.
      if (followUpSent.get(answer.id) === sent) showFollowUp(updated, me, change);
      showError(null);
    } catch (error) {
      showError(error.message);
    }
  };
  const resolved = follow.status === 'resolved';
  box.append(...[
    follow.assignee === me ? null : h('button', { type: 'button', onclick: () => patch({ status: resolved ? 'open' : 'claimed', assignee: me }) }, resolved ? 'Reopen' : 'Claim'),
    h('label', {}, 'Note', note),
    h('label', {}, 'Tags (comma separated)', tags),
    h('button', { type: 'button', onclick: () => patch({ note: note.value, tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean) }) }, 'Save'),
    resolved ? null : h('button', { type: 'button', onclick: () => patch(follow.assignee ? { status: 'resolved' } : { status: 'resolved', assignee: me }) }, 'Resolve'),
  ].filter(Boolean));
  return box;
}

/** A paged list: the first page, then "Show more" while the API has a next cursor. */
function pagedList(list, more, query, render) {
  let cursor = null;
  const page = async () => {
    const q = new URLSearchParams(query);
    q.set('limit', PAGE);
    if (cursor) q.set('cursor', cursor);
    const { answers, next } = await api('/v1/answers?' + q);
    list.append(...answers.map(render));
    cursor = next;
    more.hidden = !next;
    return answers;
  };
  list.replaceChildren();
  more.onclick = () => page().catch((error) => showError(error.message));
  return page();
}

function inboxQuery(filters, me) {
  const q = baseQuery(filters);
  q.set('type', 'response');
  q.set('category', (CATEGORIES[filters.kind] || CATEGORIES.nps)[0]);
  if (filters.inbox === 'resolved') q.set('status', 'resolved');
  else if (filters.inbox === 'mine') { q.set('status', 'claimed'); q.set('assignee', me); }
  else q.set('status', 'open');
  return q;
}

function commentsQuery(filters) {
  const q = baseQuery(filters);
  q.set('type', 'response');
  q.set('hasComment', 'true');
  if (filters.category) q.set('category', filters.category);
  if (filters.q) q.set('q', filters.q);
  return q;
}

// ---- The answer a hook's "Follow up" link names ----

async function loadLinked() {
  const id = new URL(location.href).searchParams.get('answer');
  $('linked').hidden = !id;
  if (!id) return;
  try {
    const answer = await api(`/v1/answers/${encodeURIComponent(id)}`);
    $('linked-answer').replaceChildren(answerItem(answer, me, followUpActions));
  } catch (error) {
    $('linked-answer').replaceChildren(h('li', { class: 'meta' }, error.message));
  }
}

// ---- Hooks ----

const EVENT_NAMES = {
  'response.completed': 'final answer',
  'response.created': 'score',
  'decline.created': 'decline',
  'followup.updated': 'follow-up',
  'digest.daily': 'daily digest',
};
/** The hooks whose deliveries are shown, kept open when the list is drawn again. */
const openHooks = new Set();

/** Shows `message` (or nothing) under the list: what a hook's own buttons ran into. */
function showHookError(message) {
  $('hook-error').hidden = !message;
  $('hook-error').textContent = message || '';
}

/** Shows `message` (or nothing) beside the form's button: why the hook was not saved. */
function showFormError(message) {
  $('hook-form-error').hidden = !message;
  $('hook-form-error').textContent = message || '';
}

/** The `data-key` of the control that has the keyboard's focus, if any. */
const focusedKey = () => document.activeElement?.dataset?.key;

/** The key of a control that lost the focus to a drawing and is not drawn again yet. */
let focusToRestore = null;

/**
 * Gives the keyboard's focus back to the control drawn again with `key` (or the one still
 * waiting to be), when drawing took it away: the hooks' list and logs are drawn again after
 * each action and while an attempt is followed, and an open log is drawn after its list.
 */
function refocus(key) {
  const wanted = key || focusToRestore;
  if (document.activeElement && document.activeElement !== document.body) {
    focusToRestore = null;
    return;
  }
  const control = wanted && document.querySelector(`[data-key="${CSS.escape(wanted)}"]`);
  control?.focus();
  focusToRestore = control ? null : wanted;
}

/**
 * Says that `hook` was added; a signed webhook's secret, shown this once, with a button that
 * copies it. `null` says nothing.
 */
function showAdded(hook) {
  const note = $('hook-added');
  note.hidden = !hook;
  if (!hook) return note.replaceChildren();
  if (!hook.secret) {
    return note.replaceChildren(`Added “${hook.name}”. Send a test to see its message arrive.`);
  }
  const copy = h('button', {
    type: 'button',
    // The clipboard is there only in a secure context (https, or the dashboard on localhost);
    // elsewhere one click selects the whole secret (user-select: all).
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(hook.secret);
        copy.textContent = 'Copied';
      } catch {
        copy.textContent = 'Select it to copy';
      }
    },
  }, 'Copy');
  note.replaceChildren(`Added “${hook.name}”. Its signing secret, shown this once: `, h('code', {}, hook.secret), copy);
}

function hostOf(url) {
  try { return new URL(url).host; } catch { return url; }
}

function filterText(filter) {
  const parts = [];
  if (filter.survey) parts.push(`survey ${filter.survey}`);
  if (filter.categories) parts.push(filter.categories.join(' or '));
  if (filter.minScore !== undefined) parts.push(`score ≥ ${filter.minScore}`);
  if (filter.maxScore !== undefined) parts.push(`score ≤ ${filter.maxScore}`);
  if (filter.hasComment !== undefined) parts.push(filter.hasComment ? 'with a comment' : 'without a comment');
  parts.push(...(filter.where || []));
  return parts.length ? parts.join(', ') : 'every answer';
}

const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '');

/**
 * When a delivery was queued, to the second (a test and the answers it follows are often
 * within one minute): today's as the time alone, an earlier day's with its month and day.
 */
function queuedAt(iso) {
  const at = new Date(iso);
  const today = at.toDateString() === new Date().toDateString();
  return at.toLocaleString(undefined, today
    ? { timeStyle: 'medium' }
    : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** A delivery's event as the log names it; a test's says so. */
const deliveryEvent = (d) => (EVENT_NAMES[d.event] || d.event) + (d.test ? ' (test)' : '');

/** Draws the hook's latest deliveries into `container`; returns them. */
async function drawDeliveries(hook, container) {
  const { deliveries } = await api(`/v1/hooks/${hook.id}/deliveries?limit=10`);
  if (!deliveries.length) {
    container.replaceChildren(h('p', { class: 'meta' }, 'No deliveries yet.'));
    return deliveries;
  }
  const rows = h('table');
  // "Send again" sits in the status cell, which a narrow screen shows without scrolling.
  table(rows, [['queued'], ['event'], ['status'], ['attempts', true], ['receiver’s reply']],
    deliveries.map((d) => [
      queuedAt(d.createdAt),
      deliveryEvent(d),
      h('span', { class: 'delivery-status' },
        d.status !== 'pending' || !d.nextAttemptAt ? d.status
          : Date.parse(d.nextAttemptAt) <= Date.now() ? 'pending, due now' : `pending, next ${when(d.nextAttemptAt)}`,
        h('button', {
          type: 'button',
          'data-key': `delivery-${d.id}`,
          'aria-label': `Send again: ${deliveryEvent(d)} queued ${queuedAt(d.createdAt)}`,
          onclick: () => api(`/v1/hooks/${hook.id}/deliveries/${d.id}/retry`, { method: 'POST' })
            .then((retried) => {
              showHookError(null);
              return drawDeliveries(hook, container).then(() => follow(hook, retried));
            })
            .catch((error) => showHookError(error.message)),
        }, 'Send again')),
      String(d.attempts),
      [d.lastStatus, d.lastResponse].filter((x) => x !== null && x !== '').join(' ').slice(0, 120),
    ]));
  const key = focusedKey();
  container.replaceChildren(h('div', { class: 'scroll' }, rows));
  refocus(key);
  return deliveries;
}

/**
 * Draws the hook's deliveries again, twice a second for ten seconds at most, until `delivery`
 * has had an attempt more than it had (the worker sends within moments), while they are shown.
 */
async function follow(hook, delivery) {
  for (let round = 0; round < 20; round++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const shown = $('hooks').querySelector(`[data-hook="${hook.id}"] .deliveries`);
    if (!shown || !openHooks.has(hook.id)) return;
    const now = (await drawDeliveries(hook, shown)).find((d) => d.id === delivery.id);
    if (!now) return;
    // Attempted: the hook's line says again whether its receiver is failing.
    if (now.attempts > delivery.attempts) return loadHooks();
  }
}

function hookItem(hook) {
  const deliveries = h('div', { class: 'deliveries' });
  const details = h('details', {
    ontoggle: (event) => {
      if (!event.target.open) return openHooks.delete(hook.id);
      openHooks.add(hook.id);
      drawDeliveries(hook, deliveries).catch((error) => showHookError(error.message));
    },
  }, h('summary', { 'data-key': `hook-${hook.id}-deliveries` }, 'Deliveries'), deliveries);
  details.open = openHooks.has(hook.id);
  // After an action the list is drawn again, the keyboard's focus on the same button
  // (loadHooks), or on "Add a hook" once the hook is gone.
  const act = (call) => async () => {
    try {
      await call();
      showHookError(null);
      await loadHooks();
      if (!document.activeElement || document.activeElement === document.body) $('hook-new').querySelector('summary').focus();
    } catch (error) {
      showHookError(error.message);
    }
  };
  const action = (name, label, onclick) => h('button', { type: 'button', 'data-key': `hook-${hook.id}-${name}`, onclick }, label);
  const format = hook.format === 'slack' ? 'Slack' : 'Signed webhook';
  const what = [
    `${format} to ${hostOf(hook.url)}`,
    hook.events.map((e) => EVENT_NAMES[e] || e).join(', '),
    hook.digest && `daily digest at ${String(hook.digest.hour).padStart(2, '0')}:00 ${hook.digest.timeZone}`,
    // A digest-only hook's filter matters only when it narrows the day down.
    (hook.events.length || filterText(hook.filter) !== 'every answer') && filterText(hook.filter),
    hook.paused && 'paused',
    hook.heldUntil && Date.parse(hook.heldUntil) > Date.now() && `receiver failing, next try ${when(hook.heldUntil)}`,
  ].filter(Boolean).join(' · ');
  return h('li', { 'data-hook': hook.id },
    h('div', {}, h('strong', {}, hook.name), ' ', h('span', { class: 'meta' }, what)),
    h('div', { class: 'actions' },
      action('test', 'Send a test', act(async () => {
        const delivery = await api(`/v1/hooks/${hook.id}/test`, { method: 'POST' });
        openHooks.add(hook.id);
        // Shown once the list is drawn again, then followed until it was sent.
        setTimeout(() => follow(hook, delivery).catch(() => {}));
      })),
      action('pause', hook.paused ? 'Resume' : 'Pause',
        act(() => api(`/v1/hooks/${hook.id}`, { method: 'PATCH', body: JSON.stringify({ paused: !hook.paused }) }))),
      action('edit', 'Edit', () => editHook(hook)),
      action('delete', 'Delete', act(async () => {
        if (!confirm(`Delete the hook “${hook.name}” and its deliveries?`)) return;
        await api(`/v1/hooks/${hook.id}`, { method: 'DELETE' });
        if (editing?.id === hook.id) stopEditing();
        showAdded(null);
      }))),
    details);
}

async function loadHooks() {
  const { hooks } = await api('/v1/hooks');
  const key = focusedKey();
  $('hooks').replaceChildren(...(hooks.length ? hooks.map(hookItem) : [h('li', { class: 'meta' }, 'No hooks yet.')]));
  refocus(key);
}

/** The hook the form is editing; `null` while it adds one. */
let editing = null;

/** Fills the form with `hook` to change it; the format never changes. */
function editHook(hook) {
  showFormError(null);
  showAdded(null);
  const form = $('hook-form');
  const field = (name) => form.elements.namedItem(name);
  form.reset();
  editing = hook;
  field('name').value = hook.name;
  field('url').value = hook.url;
  field('format').value = hook.format;
  field('format').disabled = true;
  for (const box of form.querySelectorAll('[name="events"]')) box.checked = hook.events.includes(box.value);
  field('categories').value = hook.filter.categories?.length === 1 ? hook.filter.categories[0] : '';
  field('hasComment').checked = hook.filter.hasComment === true;
  field('digestHour').value = hook.digest ? String(hook.digest.hour) : '';
  if (hook.digest) field('digestZone').value = hook.digest.timeZone;
  $('hook-form-title').textContent = `Edit “${hook.name}”`;
  $('hook-submit').textContent = 'Save changes';
  $('hook-cancel').hidden = false;
  $('hook-new').open = true;
  field('name').focus();
}

function stopEditing() {
  showFormError(null);
  editing = null;
  const form = $('hook-form');
  form.reset();
  form.elements.namedItem('format').disabled = false;
  $('hook-form-title').textContent = 'Add a hook';
  $('hook-submit').textContent = 'Add hook';
  $('hook-cancel').hidden = true;
}

/** Adds the hook the form describes, or saves the changes to the one being edited. */
async function saveHook(form) {
  const field = (name) => form.elements.namedItem(name);
  // The form shows the categories and the comment rule; an edited hook keeps its other rules
  // (survey, scores, where) as they are.
  const filter = { ...(editing?.filter || {}) };
  delete filter.categories;
  delete filter.hasComment;
  if (field('categories').value) filter.categories = [field('categories').value];
  if (field('hasComment').checked) filter.hasComment = true;
  const events = [...form.querySelectorAll('[name="events"]:checked')].map((box) => box.value);
  const digest = field('digestHour').value
    ? { hour: Number(field('digestHour').value), timeZone: field('digestZone').value.trim() }
    : null;
  const body = { name: field('name').value.trim(), url: field('url').value.trim(), events, filter, digest };
  try {
    if (editing) {
      await api(`/v1/hooks/${editing.id}`, { method: 'PATCH', body: JSON.stringify(body) });
      stopEditing();
      $('hook-new').open = false;
    } else {
      body.format = field('format').value;
      const hook = await api('/v1/hooks', { method: 'POST', body: JSON.stringify(body) });
      form.reset();
      showAdded(hook);
    }
    showFormError(null);
  } catch (error) {
    showFormError(error.message);
    return;
  }
  // Saved: a list that then fails to load is not a failed save.
  await loadHooks().catch((error) => showHookError(error.message));
}

// ---- Page ----

function showError(message) {
  $('error').hidden = !message;
  $('error').textContent = message || '';
}

function fillForm(filters) {
  const form = $('filters').elements;
  for (const key of ['survey', 'from', 'to', 'tz', 'interval', 'by']) form[key].value = filters[key];
  const comments = $('comment-filters').elements;
  comments.category.value = filters.category;
  comments.q.value = filters.q;
  for (const button of document.querySelectorAll('[data-inbox]')) {
    button.setAttribute('aria-pressed', String(button.dataset.inbox === filters.inbox));
  }
}

let me = '';

async function load() {
  const filters = readFilters();
  fillForm(filters);
  renderChips(filters);
  // The CSV link follows the filters at once, before the figures arrive.
  $('csv').href = '/v1/answers.csv?' + commentsQuery(filters);
  loadLinked();
  try {
    const reportQuery = baseQuery(filters);
    reportQuery.set('interval', filters.interval);
    reportQuery.set('by', filters.by);
    const report = await api('/v1/report?' + reportQuery);
    filters.kind = report.kind;
    renderReport(report, filters);
    // For the benchmark (bench/report.mjs): when the figures are drawn.
    performance.mark('nps-dashboard-report');
    const [comments] = await Promise.all([
      pagedList($('comments'), $('comments-more'), commentsQuery(filters), (a) => answerItem(a, me, null)),
      pagedList($('inbox'), $('inbox-more'), inboxQuery(filters, me), (a) => answerItem(a, me, followUpActions)),
    ]);
    $('sample-note').hidden = !comments.some((answer) => answer.sample);
    showError(null);
  } catch (error) {
    showError(error.message);
  }
}

function listen() {
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    const filters = readFilters();
    const form = $('filters').elements;
    for (const key of ['survey', 'from', 'to', 'tz', 'interval', 'by']) filters[key] = form[key].value.trim();
    writeFilters(filters);
    load();
  });
  $('comment-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    const filters = readFilters();
    filters.category = $('comment-filters').elements.category.value;
    filters.q = $('comment-filters').elements.q.value.trim();
    writeFilters(filters);
    load();
  });
  for (const button of document.querySelectorAll('[data-inbox]')) {
    button.addEventListener('click', () => {
      const filters = readFilters();
      filters.inbox = button.dataset.inbox;
      writeFilters(filters);
      load();
    });
  }
  const hours = $('hook-form').elements.namedItem('digestHour');
  for (let hour = 0; hour < 24; hour++) {
    hours.append(h('option', { value: String(hour) }, `${String(hour).padStart(2, '0')}:00`));
  }
  // The reader's own zone, kept when the form is reset.
  $('hook-form').elements.namedItem('digestZone').defaultValue =
    Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  $('hook-cancel').addEventListener('click', () => {
    stopEditing();
    $('hook-new').open = false;
  });
  $('hook-form').addEventListener('submit', (event) => {
    event.preventDefault();
    saveHook(event.target);
  });
  addEventListener('popstate', load);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', load);
}

/** The survey picker's suggestions: every survey with answers, its kind and displays. */
async function loadSurveys() {
  const { surveys } = await api('/v1/surveys');
  const kinds = { nps: 'NPS', csat: 'CSAT', ces: 'CES' };
  $('survey-list').replaceChildren(...surveys.map((s) =>
    h('option', { value: s.survey, label: `${kinds[s.kind] || s.kind} · ${number(s.displays)} shown` })));
}

async function start() {
  listen();
  try {
    me = (await api('/v1/me')).name;
    $('who').textContent = `Logged in as ${me}`;
  } catch (error) {
    showError(error.message);
    return;
  }
  loadHooks().catch((error) => showHookError(error.message));
  // Only suggestions: a survey typed by hand works as well.
  loadSurveys().catch(() => {});
  await load();
}

start();
