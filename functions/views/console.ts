/**
 * The staff console: one HTML page and one script, no build step and no framework. The script talks
 * to the same API as everyone else with the publisher token the person signs in with (kept in
 * sessionStorage for the tab's life). Every value from the API is put into the page with textContent
 * or DOM properties, never as HTML.
 */
import { csvField } from '../domain/csv';
import { layout } from './html';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const consoleStyles = `<style>
form, fieldset { margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
input[type=text], input[type=password], input[type=datetime-local], select, textarea { width: 100%; font: inherit; padding: .4rem .5rem; border: 1px solid #9aa3ad; border-radius: .35rem; }
textarea { min-height: 10rem; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9rem; }
button { font: inherit; padding: .45rem .9rem; border-radius: .35rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin: .25rem .5rem .25rem 0; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .5; cursor: not-allowed; }
.row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; }
.row > * { flex: 1 1 12rem; }
.locale-block { border-top: 1px dashed var(--line); padding-top: .5rem; margin-top: .5rem; }
[role=status] { min-height: 1.5rem; }
.error { color: var(--del-ink); }
progress { width: 100%; height: 1.25rem; }
.diff-section { border-top: 1px solid var(--line); padding: .25rem 0; }
[hidden] { display: none !important; }
</style>`;

export function renderConsole(): string {
  const header = `<h1>Policy console</h1><p class="meta">Publish revisions, preview what changes, and follow the notification.</p>`;
  const body = `${consoleStyles}
<section id="signin">
  <form id="signin-form">
    <label for="token">Publisher token</label>
    <input id="token" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
  <p role="status" id="signin-status" aria-live="polite"></p>
</section>

<section id="app" hidden>
  <p class="meta">Signed in as publisher. <button type="button" class="secondary" id="signout">Sign out</button></p>
  <fieldset>
    <legend>Policy</legend>
    <div class="row">
      <div><label for="policy-select">Existing policy</label><select id="policy-select"><option value="">— new policy —</option></select></div>
      <div><label for="policy-id">Policy id</label><input id="policy-id" type="text" pattern="[a-z0-9][a-z0-9-]{0,63}" placeholder="privacy" required></div>
    </div>
    <p class="meta" id="policy-info" aria-live="polite"></p>
  </fieldset>

  <form id="publish-form">
    <fieldset>
      <legend>Texts</legend>
      <label for="format">Format (one for every language)</label>
      <select id="format"><option value="text">Plain text</option><option value="markdown">Markdown</option></select>
      <div id="locales"></div>
      <div class="row"><div><label for="new-locale">Add a language (BCP 47 tag)</label><input id="new-locale" type="text" placeholder="en"></div><div><button type="button" class="secondary" id="add-locale">Add language</button></div></div>
    </fieldset>
    <fieldset>
      <legend>Change</legend>
      <label><input type="radio" name="change" value="material" checked> Material — users must acknowledge again</label>
      <label><input type="radio" name="change" value="minor"> Minor — existing acknowledgments stay valid</label>
      <label for="effective-at">Effective at (your local time; empty = now)</label>
      <input id="effective-at" type="datetime-local">
      <label><input type="checkbox" id="notify" checked> Email every registered customer</label>
    </fieldset>
    <button type="button" id="preview">Preview changes</button>
    <button type="submit" id="publish">Publish</button>
    <p role="status" id="publish-status" aria-live="polite"></p>
  </form>

  <section id="preview-panel" hidden aria-labelledby="preview-h"><h2 id="preview-h">Preview</h2><div id="preview-body"></div></section>

  <section id="progress-panel" hidden aria-labelledby="progress-h">
    <h2 id="progress-h">Notification</h2>
    <progress id="progress" max="1" value="0"></progress>
    <p role="status" id="progress-text" aria-live="polite"></p>
  </section>

  <section aria-labelledby="history-h">
    <h2 id="history-h">History</h2>
    <table class="history"><thead><tr><th>Version</th><th>Change</th><th>Effective</th><th>Notification</th></tr></thead><tbody id="history"></tbody></table>
    <div class="row">
      <div><label for="from">Compare from</label><select id="from"></select></div>
      <div><label for="to">to</label><select id="to"></select></div>
      <div><button type="button" class="secondary" id="compare">Open redline</button></div>
    </div>
  </section>

  <section aria-labelledby="acks-h">
    <h2 id="acks-h">Acknowledgments</h2>
    <button type="button" class="secondary" id="count">Count who has not acknowledged</button>
    <button type="button" class="secondary" id="export">Export acknowledgments (CSV)</button>
    <p role="status" id="acks-status" aria-live="polite"></p>
  </section>
</section>
<script src="/console/app.js"></script>`;
  return layout({ lang: 'en', title: 'Policy console', header, body });
}

/** The console's script: plain browser JavaScript, served as /console/app.js. */
export const consoleScript = String.raw`'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { token: sessionStorage.getItem('policyToken') || '', policy: null, revisions: [], watch: null };
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const c of children) node.append(c);
    return node;
  };
  const setStatus = (id, text, isError) => { const n = $(id); n.textContent = text; n.classList.toggle('error', !!isError); };

  async function api(method, path, body) {
    const headers = { authorization: 'Bearer ' + state.token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // Public reads are cacheable (Cache-Control) for readers; staff must see what they just published.
    const res = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error(data && data.error ? data.error.code + ': ' + data.error.message + (data.error.details && data.error.details.length ? ' (' + data.error.details.map((d) => d.path + ' ' + d.message).join('; ') + ')' : '') : 'HTTP ' + res.status);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  async function signIn(token) {
    state.token = token;
    try {
      await api('GET', '/console/session');
      sessionStorage.setItem('policyToken', token);
      $('signin').hidden = true;
      $('app').hidden = false;
      await loadPolicies();
    } catch (e) {
      state.token = '';
      sessionStorage.removeItem('policyToken');
      setStatus('signin-status', e.status === 401 || e.status === 403 ? 'That token is not a publisher token.' : e.message, true);
    }
  }

  function localeBlock(locale, text, summary) {
    const id = 'text-' + locale;
    const block = el('div', { className: 'locale-block' });
    block.dataset.locale = locale;
    const file = el('input', { type: 'file', accept: '.txt,.md,text/plain' });
    file.setAttribute('aria-label', 'Upload text for ' + locale);
    const area = el('textarea', { id, value: text || '' });
    area.dataset.role = 'text';
    file.addEventListener('change', async () => { if (file.files[0]) area.value = await file.files[0].text(); });
    const sum = el('input', { type: 'text', id: 'summary-' + locale, value: summary || '' });
    sum.dataset.role = 'summary';
    block.append(el('label', { htmlFor: id, textContent: 'Text (' + locale + ')' }), area, file,
      el('label', { htmlFor: 'summary-' + locale, textContent: 'Summary of the change (' + locale + ')' }), sum);
    return block;
  }

  async function loadPolicies() {
    const { policies } = await api('GET', '/policies');
    const select = $('policy-select');
    select.replaceChildren(el('option', { value: '', textContent: '— new policy —' }), ...policies.map((p) => el('option', { value: p.policyId, textContent: (p.titles[p.defaultLocale] || Object.values(p.titles)[0] || p.policyId) + ' (' + p.policyId + ', v' + p.latestVersion + ')' })));
    if (policies.length > 0) { select.value = policies[0].policyId; await selectPolicy(policies[0].policyId); }
    else await selectPolicy('');
  }

  async function selectPolicy(policyId) {
    $('policy-id').value = policyId;
    $('policy-id').readOnly = !!policyId;
    $('preview-panel').hidden = true;
    const locales = $('locales');
    locales.replaceChildren();
    state.revisions = [];
    if (!policyId) { locales.append(localeBlock('vi', '', '')); renderHistory(); $('policy-info').textContent = 'A new policy: its first language becomes the default.'; return; }
    const policy = await api('GET', '/policies/' + encodeURIComponent(policyId));
    state.policy = policy;
    $('policy-info').textContent = 'Current version ' + (policy.currentVersion ?? '—') + ', latest ' + policy.latestVersion + (policy.upcoming ? ', version ' + policy.upcoming.version + ' takes effect ' + new Date(policy.upcoming.effectiveAt).toLocaleString() : '') + '. Languages: ' + policy.locales.join(', ') + '.';
    for (const locale of policy.locales) {
      const rev = await api('GET', '/policies/' + encodeURIComponent(policyId) + '/revisions/latest?locale=' + encodeURIComponent(locale));
      locales.append(localeBlock(locale, rev.text, ''));
    }
    await loadHistory();
  }

  async function loadHistory() {
    const policyId = $('policy-id').value;
    const { revisions } = await api('GET', '/policies/' + encodeURIComponent(policyId) + '/revisions?limit=100');
    state.revisions = revisions;
    if (revisions.length) $('format').value = revisions[0].format || 'text';
    renderHistory();
  }

  function renderHistory() {
    const policyId = $('policy-id').value;
    const rows = state.revisions.map((r) => {
      const link = el('a', { href: '/p/' + encodeURIComponent(policyId) + '/v/' + r.version, textContent: 'Version ' + r.version, target: '_blank', rel: 'noopener' });
      const watch = el('button', { type: 'button', className: 'secondary', textContent: r.notify ? 'Progress' : '—', disabled: !r.notify });
      watch.addEventListener('click', () => watchProgress(policyId, r.version));
      return el('tr', {}, el('td', {}, link), el('td', { textContent: r.change }), el('td', { textContent: new Date(r.effectiveAt).toLocaleString() }), el('td', {}, watch));
    });
    $('history').replaceChildren(...rows);
    const options = () => state.revisions.map((r) => el('option', { value: String(r.version), textContent: 'Version ' + r.version }));
    $('from').replaceChildren(...options());
    $('to').replaceChildren(...options());
    if (state.revisions.length > 1) { $('from').value = String(state.revisions[1].version); $('to').value = String(state.revisions[0].version); }
  }

  function readForm() {
    const texts = {}; const summary = {};
    for (const block of $('locales').children) {
      const locale = block.dataset.locale;
      texts[locale] = block.querySelector('[data-role=text]').value;
      const s = block.querySelector('[data-role=summary]').value.trim();
      if (s) summary[locale] = s;
    }
    const body = { texts, change: document.querySelector('input[name=change]:checked').value, format: $('format').value, notify: $('notify').checked };
    if (Object.keys(summary).length) body.summary = summary;
    if ($('effective-at').value) body.effectiveAt = new Date($('effective-at').value).toISOString();
    if (state.revisions.length) body.baseVersion = state.revisions[0].version;
    return body;
  }

  function renderDiff(locale, diff) {
    const box = el('div', {});
    box.append(el('h3', { textContent: locale + ': ' + diff.stats.sectionsChanged + ' section(s) changed, +' + diff.stats.linesAdded + ' / −' + diff.stats.linesRemoved + ' lines' }));
    for (const s of diff.sections) {
      if (s.status === 'unchanged') continue;
      const sec = el('div', { className: 'diff-section' });
      sec.append(el('h4', {}, el('span', { className: 'badge ' + s.status, textContent: s.status }), ' ' + (s.title || s.key)));
      const text = el('div', { className: 'text' });
      for (const op of s.changes || []) text.append(op.op === 'equal' ? document.createTextNode(op.text) : el(op.op === 'insert' ? 'ins' : 'del', { textContent: op.text }));
      sec.append(text);
      box.append(sec);
    }
    return box;
  }

  async function preview() {
    const policyId = $('policy-id').value;
    setStatus('publish-status', 'Computing the preview…');
    try {
      const res = await api('POST', '/policies/' + encodeURIComponent(policyId) + '/revisions', { ...readForm(), dryRun: true });
      const body = $('preview-body');
      body.replaceChildren(el('p', { textContent: 'Would publish version ' + res.version + ' (' + res.change + ', effective ' + new Date(res.effectiveAt).toLocaleString() + '). Nothing has been stored.' }),
        ...Object.entries(res.diff).map(([locale, diff]) => renderDiff(locale, diff)));
      $('preview-panel').hidden = false;
      setStatus('publish-status', 'Preview ready.');
    } catch (e) { setStatus('publish-status', e.message, true); }
  }

  async function publish(event) {
    event.preventDefault();
    const policyId = $('policy-id').value;
    setStatus('publish-status', 'Publishing…');
    $('publish').disabled = true;
    try {
      const res = await api('POST', '/policies/' + encodeURIComponent(policyId) + '/revisions', readForm());
      setStatus('publish-status', 'Published version ' + res.version + ' (' + res.hash + ').');
      await loadPolicies();
      $('policy-select').value = policyId;
      await selectPolicy(policyId);
      if (res.notify) watchProgress(policyId, res.version);
    } catch (e) { setStatus('publish-status', e.message, true); }
    finally { $('publish').disabled = false; }
  }

  function watchProgress(policyId, version) {
    if (state.watch) clearTimeout(state.watch);
    $('progress-panel').hidden = false;
    const tick = async () => {
      try {
        const p = await api('GET', '/policies/' + encodeURIComponent(policyId) + '/revisions/' + version + '/notification');
        const done = p.sent + p.failed + p.suppressed;
        $('progress').max = Math.max(1, p.total);
        $('progress').value = done;
        $('progress-text').textContent = 'Version ' + version + ': ' + p.status + ' — ' + p.sent + ' sent, ' + p.failed + ' failed, ' + p.suppressed + ' suppressed of ' + p.total + '.';
        $('progress-text').dataset.status = p.status;
        if (p.status !== 'completed' && p.status !== 'not_requested') state.watch = setTimeout(tick, 1000);
      } catch (e) { setStatus('progress-text', e.message, true); state.watch = setTimeout(tick, 3000); }
    };
    tick();
  }

  async function countPending() {
    const policyId = $('policy-id').value;
    try {
      const s = await api('GET', '/policies/' + encodeURIComponent(policyId) + '/acknowledgments/summary');
      setStatus('acks-status', s.requiredVersion === null ? 'Nothing is in effect yet.' : s.pending + ' of ' + s.activeCustomers + ' active customers have not acknowledged version ' + s.requiredVersion + ' yet.');
    } catch (e) { setStatus('acks-status', e.message, true); }
  }

  const csvField = ${csvField.toString()};
  const csvCell = (v) => csvField(typeof v === 'string' ? v : JSON.stringify(v));
  async function exportCsv() {
    const policyId = $('policy-id').value;
    const columns = ['userId', 'policyId', 'version', 'locale', 'contentHash', 'acknowledgedAt', 'channel', 'receiptId', 'evidence'];
    const lines = [columns.join(',')];
    let cursor = null;
    try {
      do {
        const page = await api('GET', '/policies/' + encodeURIComponent(policyId) + '/acknowledgments?limit=1000' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
        for (const a of page.acknowledgments) lines.push(columns.map((c) => csvCell(c === 'version' ? String(a[c]) : a[c])).join(','));
        cursor = page.nextCursor;
      } while (cursor);
      const url = URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
      const a = el('a', { href: url, download: policyId + '-acknowledgments.csv' });
      document.body.append(a); a.click(); a.remove();
      setStatus('acks-status', 'Exported ' + (lines.length - 1) + ' acknowledgments.');
    } catch (e) { setStatus('acks-status', e.message, true); }
  }

  $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); });
  $('signout').addEventListener('click', () => { sessionStorage.removeItem('policyToken'); location.reload(); });
  $('policy-select').addEventListener('change', (e) => selectPolicy(e.target.value));
  $('add-locale').addEventListener('click', () => {
    const locale = $('new-locale').value.trim();
    if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(locale) || $('locales').querySelector('[data-locale="' + locale + '"]')) return;
    $('locales').append(localeBlock(locale, '', ''));
    $('new-locale').value = '';
  });
  $('preview').addEventListener('click', preview);
  $('publish-form').addEventListener('submit', publish);
  $('compare').addEventListener('click', () => window.open('/p/' + encodeURIComponent($('policy-id').value) + '/changes?from=' + $('from').value + '&to=' + $('to').value, '_blank', 'noopener'));
  $('count').addEventListener('click', countPending);
  $('export').addEventListener('click', exportCsv);
  if (state.token) signIn(state.token);
})();
`;
