// The host app's side of the integration: the command queue snippet, then calls as usual.
window.nps = typeof window.nps === 'function' ? window.nps : function () { (nps.q = nps.q || []).push(arguments); };

// The demo's own settings (theme and language), kept in this browser.
var SETTINGS_KEY = 'acme-demo:settings';
var settings = { theme: 'auto', language: '' };
try {
  var saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}');
  if (['light', 'dark', 'auto'].indexOf(saved.theme) >= 0) settings.theme = saved.theme;
  if (typeof saved.language === 'string') settings.language = saved.language;
} catch (e) { /* storage blocked or unreadable: the defaults */ }
document.documentElement.dataset.theme = settings.theme;

function config(onLoad) {
  var c = {
    endpoint: '/v1/responses',
    product: 'Acme Analytics',
    user: { id: 'demo-user', email: 'ada@example.com', createdAt: '2025-01-15', properties: { plan: 'pro' } },
    account: { id: 'acme', name: 'Acme Inc' },
    triggers: onLoad ? [{ on: 'load' }, { event: 'report_exported' }] : [{ event: 'report_exported' }],
    promoterCta: { url: 'https://example.com/review' },
    theme: { mode: settings.theme },
    debug: true,
  };
  if (settings.language) c.language = settings.language;
  return c;
}

nps('init', config(true));

nps('on', 'response', function (answer) {
  document.getElementById('last-event').textContent =
    'Answer received: ' + answer.score + (answer.comment ? ' — "' + answer.comment + '"' : '');
});

document.getElementById('export').addEventListener('click', function () { nps('track', 'report_exported'); });
document.getElementById('preview').addEventListener('click', function () { nps('show', { force: true }); });
document.getElementById('forget').addEventListener('click', function () {
  Object.keys(localStorage).filter(function (k) { return k.indexOf('nps-widget:') === 0; })
    .forEach(function (k) { localStorage.removeItem(k); });
  location.reload();
});

// Theme and language: the page follows, and the survey is set up again and shown as a preview.
var LANGUAGES = [
  ['en', 'English'], ['ar', 'العربية'], ['bg', 'Български'], ['cs', 'Čeština'], ['da', 'Dansk'],
  ['de', 'Deutsch'], ['el', 'Ελληνικά'], ['es', 'Español'], ['et', 'Eesti'], ['fa', 'فارسی'],
  ['fi', 'Suomi'], ['fr', 'Français'], ['he', 'עברית'], ['hi', 'हिन्दी'], ['hr', 'Hrvatski'],
  ['hu', 'Magyar'], ['id', 'Bahasa Indonesia'], ['it', 'Italiano'], ['ja', '日本語'], ['ko', '한국어'],
  ['lt', 'Lietuvių'], ['lv', 'Latviešu'], ['ms', 'Bahasa Melayu'], ['nb', 'Norsk bokmål'],
  ['nl', 'Nederlands'], ['pl', 'Polski'], ['pt', 'Português (Portugal)'], ['pt-BR', 'Português (Brasil)'],
  ['ro', 'Română'], ['ru', 'Русский'], ['sk', 'Slovenčina'], ['sl', 'Slovenščina'], ['sr', 'Српски'],
  ['sv', 'Svenska'], ['th', 'ไทย'], ['tr', 'Türkçe'], ['uk', 'Українська'], ['ur', 'اردو'],
  ['vi', 'Tiếng Việt'], ['zh-CN', '简体中文'], ['zh-TW', '繁體中文'],
];
var form = document.getElementById('settings');
var select = form.elements.language;
LANGUAGES.forEach(function (language) {
  var option = document.createElement('option');
  option.value = language[0];
  option.lang = language[0];
  option.textContent = language[1];
  select.appendChild(option);
});
select.value = settings.language;
form.elements.theme.value = settings.theme;
form.addEventListener('submit', function (event) { event.preventDefault(); });
form.addEventListener('change', function () {
  settings = { theme: form.elements.theme.value, language: select.value };
  try { localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings)); } catch (e) { /* kept for this page only */ }
  document.documentElement.dataset.theme = settings.theme;
  // The page did not load again: no load trigger, the card shown as a preview.
  nps('init', config(false));
  nps('show', { force: true });
});
