/**
 * The staff console's script, served as /console/app.js: bundled by esbuild (lib/console-bundle.ts) as
 * one browser script, type-checked by tsc and linted by biome like the rest of the code.
 *
 * Rules: every value from the API reaches the page through textContent or DOM properties. The only HTML
 * shown (the emails as composed by the worker's code, and the policy rendered by the public pages'
 * Markdown renderer) goes into `<iframe sandbox srcdoc>`: no script runs there, and it cannot reach
 * this page. Nothing is published without a confirmation dialog that says what will happen.
 */
import { ACKNOWLEDGMENT_CSV_COLUMNS, csvField } from '../../domain/csv';
import { documentModel } from '../../domain/document';
import type { DocumentFormat } from '../../domain/document/types';
import { renderMarkdown } from '../markdown';

interface Revision {
  policyId: string;
  version: number;
  change: 'material' | 'minor';
  format?: DocumentFormat;
  publishedAt: string;
  effectiveAt: string;
  defaultLocale: string;
  locales: string[];
  summary: Record<string, string>;
  /** The policy's human title per locale (given, or from the text's first heading). */
  titles: Record<string, string>;
  notify: boolean;
  hash: string;
}
interface PolicyView {
  policyId: string;
  currentVersion: number | null;
  latestVersion: number;
  defaultLocale: string;
  locales: string[];
  titles: Record<string, string>;
  upcoming: { version: number; effectiveAt: string } | null;
}
interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}
interface Diff {
  stats: { sectionsChanged: number; linesAdded: number; linesRemoved: number };
  sections: { status: string; key: string; title: string; changes?: DiffOp[] }[];
}
interface Email {
  subject: string;
  text: string;
  html: string;
}
interface Recipients {
  total: number;
  byLocale: Record<string, number>;
  suppressed: number;
}
interface DryRun extends Revision {
  dryRun: true;
  baseVersion: number;
  diff: Record<string, Diff>;
  emails: Record<string, Email>;
  recipients: Recipients;
  testEmail?: { to: string; locale: string; messageId: string; status: 'queued' };
}
interface Progress {
  status: string;
  total: number;
  sent: number;
  failed: number;
  suppressed: number;
}
interface Settings {
  noticePeriodDays: number;
  updatedAt: string | null;
}
interface PublishBody {
  texts: Record<string, string>;
  change: 'material' | 'minor';
  format: DocumentFormat;
  notify: boolean;
  summary?: Record<string, string>;
  effectiveAt?: string;
  baseVersion?: number;
  dryRun?: boolean;
  testRecipient?: string;
  testLocale?: string;
}
class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The notice period the console proposes for a new policy. */
const NEW_POLICY_NOTICE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

const state = {
  token: sessionStorage.getItem('policyToken') ?? '',
  policy: null as PolicyView | null,
  revisions: [] as Revision[],
  settings: null as Settings | null,
  watch: 0 as number | ReturnType<typeof setTimeout>,
  /** The request the open dialog would publish, and the dry run it was checked with. */
  pending: null as { body: PublishBody; dry: DryRun } | null,
  lastPreview: null as { body: PublishBody; dry: DryRun } | null,
};

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the console page`);
  return node as T;
}
const input = (id: string) => $<HTMLInputElement>(id);

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function setStatus(id: string, text: string, isError = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle('error', isError);
}

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const whenFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone,
  timeZoneName: 'short',
});
const wordsFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone,
  timeZoneName: 'long',
});
/** A time with its zone, e.g. "1 Dec 2026, 10:00 GMT+7". */
const when = (iso: string) => whenFormat.format(new Date(iso));
/** A time in words with its zone, and how far away it is. */
function inWords(iso: string): string {
  const at = new Date(iso);
  const days = Math.round((at.getTime() - Date.now()) / DAY_MS);
  const relative =
    Math.abs(at.getTime() - Date.now()) < 60_000
      ? 'immediately'
      : days === 0
        ? 'later today'
        : days > 0
          ? `in ${days} day${days === 1 ? '' : 's'}`
          : `${-days} day${days === -1 ? '' : 's'} ago`;
  return `${wordsFormat.format(at)} (${relative})`;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Public reads are cacheable (Cache-Control) for readers; staff must see what they just published.
  const res = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = data?.error as
      | { code: string; message: string; details?: { path: string; message: string }[] }
      | undefined;
    const details = error?.details?.length
      ? ` (${error.details.map((d) => `${d.path} ${d.message}`).join('; ')})`
      : '';
    throw new ApiError(
      error ? `${error.code}: ${error.message}${details}` : `HTTP ${res.status}`,
      res.status,
    );
  }
  return data as T;
}

const policyPath = (policyId: string) => `/policies/${encodeURIComponent(policyId)}`;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function signIn(token: string) {
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
    const status = e instanceof ApiError ? e.status : 0;
    setStatus(
      'signin-status',
      status === 401 || status === 403 ? 'That token is not a publisher token.' : message(e),
      true,
    );
  }
}

function localeBlock(locale: string, text: string, summary: string): HTMLElement {
  const id = `text-${locale}`;
  const block = el('div', { className: 'locale-block' });
  block.dataset.locale = locale;
  const file = el('input', { type: 'file', accept: '.txt,.md,text/plain,text/markdown' });
  file.setAttribute('aria-label', `Upload text for ${locale}`);
  const area = el('textarea', { id, value: text });
  area.dataset.role = 'text';
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) area.value = await chosen.text();
  });
  const sum = el('input', { type: 'text', id: `summary-${locale}`, value: summary });
  sum.dataset.role = 'summary';
  block.append(
    el('label', { htmlFor: id, textContent: `Text (${locale})` }),
    area,
    file,
    el('label', {
      htmlFor: `summary-${locale}`,
      textContent: `Summary of the change (${locale}) — the emails' "what changed"`,
    }),
    sum,
  );
  return block;
}

/** The policy's human title in its default locale (any locale's else, the id for policies without titles). */
const policyTitle = (p: PolicyView) => p.titles[p.defaultLocale] ?? Object.values(p.titles)[0] ?? p.policyId;

async function loadPolicies() {
  const { policies } = await api<{ policies: PolicyView[] }>('GET', '/policies');
  const select = $<HTMLSelectElement>('policy-select');
  select.replaceChildren(
    el('option', { value: '', textContent: '— new policy —' }),
    ...policies.map((p) =>
      el('option', {
        value: p.policyId,
        textContent: `${policyTitle(p)} (${p.policyId}, v${p.latestVersion})`,
      }),
    ),
  );
  const first = policies[0];
  if (first) {
    select.value = first.policyId;
    await selectPolicy(first.policyId);
  } else await selectPolicy('');
}

function resetChange() {
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=change]'))
    radio.checked = false;
  input('notify').checked = false;
  input('effective-at').value = '';
  updateEffectiveWarning();
}

async function selectPolicy(policyId: string) {
  input('policy-id').value = policyId;
  input('policy-id').readOnly = policyId !== '';
  $('preview-panel').hidden = true;
  state.lastPreview = null;
  const locales = $('locales');
  locales.replaceChildren();
  state.revisions = [];
  state.policy = null;
  resetChange();
  if (!policyId) {
    locales.append(localeBlock('vi', '', ''));
    state.settings = null;
    input('notice-days').value = String(NEW_POLICY_NOTICE_DAYS);
    $('save-notice').hidden = true;
    setStatus(
      'notice-status',
      `Proposed for a new policy: ${NEW_POLICY_NOTICE_DAYS} days. It is saved with the first version.`,
    );
    renderHistory();
    $('policy-info').textContent = 'A new policy: its first language becomes the default.';
    return;
  }
  const path = policyPath(policyId);
  const [policy, settings] = await Promise.all([
    api<PolicyView>('GET', path),
    api<Settings>('GET', `${path}/settings`),
  ]);
  state.policy = policy;
  state.settings = settings;
  input('notice-days').value = String(settings.noticePeriodDays);
  $('save-notice').hidden = false;
  setStatus(
    'notice-status',
    settings.updatedAt === null
      ? 'No notice period set: material changes take effect when published.'
      : `Notice period: ${settings.noticePeriodDays} days (saved ${when(settings.updatedAt)}).`,
  );
  $('policy-info').textContent =
    `Current version ${policy.currentVersion ?? '—'}, latest ${policy.latestVersion}` +
    (policy.upcoming
      ? `, version ${policy.upcoming.version} takes effect ${when(policy.upcoming.effectiveAt)}`
      : '') +
    `. Languages: ${policy.locales.join(', ')}.`;
  for (const locale of policy.locales) {
    const rev = await api<{ text: string }>(
      'GET',
      `${path}/revisions/latest?locale=${encodeURIComponent(locale)}`,
    );
    locales.append(localeBlock(locale, rev.text, ''));
  }
  await loadHistory();
}

async function saveNotice() {
  const policyId = input('policy-id').value;
  const days = Number(input('notice-days').value);
  try {
    const saved = await api<Settings>('PUT', `${policyPath(policyId)}/settings`, { noticePeriodDays: days });
    state.settings = saved;
    setStatus('notice-status', `Notice period saved: ${saved.noticePeriodDays} days.`);
    updateEffectiveWarning();
  } catch (e) {
    setStatus('notice-status', message(e), true);
  }
}

async function loadHistory() {
  const policyId = input('policy-id').value;
  const { revisions } = await api<{ revisions: Revision[] }>(
    'GET',
    `${policyPath(policyId)}/revisions?limit=100`,
  );
  state.revisions = revisions;
  const newest = revisions[0];
  if (newest) $<HTMLSelectElement>('format').value = newest.format ?? 'text';
  renderHistory();
  await loadProgressColumn(policyId);
}

/** In effect, upcoming or replaced, as the status route says. */
function statusOf(r: Revision): string {
  const current = state.policy?.currentVersion ?? null;
  if (r.version === current) return 'in effect';
  if (current === null || r.version > current) return `upcoming (${inWords(r.effectiveAt)})`;
  return 'replaced';
}

function renderHistory() {
  const policyId = input('policy-id').value;
  const rows = state.revisions.map((r) => {
    const link = el('a', {
      href: `/p/${encodeURIComponent(policyId)}/v/${r.version}`,
      textContent: `Version ${r.version}`,
      target: '_blank',
      rel: 'noopener',
    });
    const progress = el('td', { textContent: r.notify ? 'loading…' : 'not emailed' });
    progress.dataset.version = String(r.version);
    const actions = el('td');
    if (r.notify) {
      const watch = el('button', { type: 'button', className: 'secondary', textContent: 'Follow' });
      watch.setAttribute('aria-label', `Follow the notification of version ${r.version}`);
      watch.addEventListener('click', () => watchProgress(policyId, r.version));
      const retry = el('button', { type: 'button', className: 'secondary', textContent: 'Retry failed' });
      retry.setAttribute('aria-label', `Retry the failed emails of version ${r.version}`);
      retry.dataset.retry = String(r.version);
      retry.addEventListener('click', () => retryFailed(policyId, r.version));
      actions.append(watch, retry);
    }
    const row = el(
      'tr',
      {},
      el('td', {}, link),
      el('td', { textContent: r.change }),
      el('td', { textContent: when(r.publishedAt) }),
      el('td', { textContent: when(r.effectiveAt) }),
      el('td', { textContent: statusOf(r) }),
      progress,
      actions,
    );
    row.dataset.version = String(r.version);
    return row;
  });
  $('history').replaceChildren(...rows);
  const options = () =>
    state.revisions.map((r) =>
      el('option', { value: String(r.version), textContent: `Version ${r.version}` }),
    );
  $('from').replaceChildren(...options());
  $('to').replaceChildren(...options());
  const [newest, previous] = state.revisions;
  if (newest && previous) {
    $<HTMLSelectElement>('from').value = String(previous.version);
    $<HTMLSelectElement>('to').value = String(newest.version);
  }
}

const progressLine = (p: Progress) =>
  `${p.status}: ${p.sent} sent, ${p.failed} failed, ${p.suppressed} suppressed of ${p.total}`;

/** The notification column of the history: the 20 newest notified versions, one request each. */
async function loadProgressColumn(policyId: string) {
  const notified = state.revisions.filter((r) => r.notify).slice(0, 20);
  await Promise.all(
    notified.map(async (r) => {
      const cell = $('history').querySelector<HTMLElement>(`td[data-version="${r.version}"]`);
      if (!cell) return;
      try {
        cell.textContent = progressLine(
          await api<Progress>('GET', `${policyPath(policyId)}/revisions/${r.version}/notification`),
        );
      } catch (e) {
        cell.textContent = message(e);
      }
    }),
  );
}

/** POST …/notification/retry's answer (docs/API.md). */
interface RetryResult {
  requeued: number;
  skipped: { permanent: number; inProgress: number };
  status: string;
}

async function retryFailed(policyId: string, version: number) {
  setStatus('history-status', `Retrying the failed emails of version ${version}…`);
  try {
    // The route takes an empty JSON object (every POST body is JSON) and answers with counts.
    const res = await api<RetryResult>(
      'POST',
      `${policyPath(policyId)}/revisions/${version}/notification/retry`,
      {},
    );
    const notRetried = res.skipped.permanent + res.skipped.inProgress;
    setStatus(
      'history-status',
      `Retry of version ${version} started: ${res.requeued} email(s) queued again` +
        (notRetried > 0 ? `, ${notRetried} not retried (permanent failures or still in progress).` : '.'),
    );
    watchProgress(policyId, version);
  } catch (e) {
    setStatus('history-status', message(e), true);
  }
}

function chosenChange(): 'material' | 'minor' | null {
  const checked = document.querySelector<HTMLInputElement>('input[name=change]:checked');
  return checked ? (checked.value as 'material' | 'minor') : null;
}

function readForm(): PublishBody {
  const texts: Record<string, string> = {};
  const summary: Record<string, string> = {};
  for (const block of $('locales').querySelectorAll<HTMLElement>('.locale-block')) {
    const locale = block.dataset.locale ?? '';
    texts[locale] = block.querySelector<HTMLTextAreaElement>('[data-role=text]')?.value ?? '';
    const s = block.querySelector<HTMLInputElement>('[data-role=summary]')?.value.trim() ?? '';
    if (s) summary[locale] = s;
  }
  const change = chosenChange();
  if (!change) throw new Error('Choose whether the change is material or minor.');
  const body: PublishBody = {
    texts,
    change,
    format: $<HTMLSelectElement>('format').value as DocumentFormat,
    notify: input('notify').checked,
  };
  if (Object.keys(summary).length) body.summary = summary;
  const effective = input('effective-at').value;
  if (effective) body.effectiveAt = new Date(effective).toISOString();
  const newest = state.revisions[0];
  if (newest) body.baseVersion = newest.version;
  return body;
}

/** The notice period that applies to the form's change: the saved one, or the proposal for a new policy. */
function noticeDays(): number {
  return state.settings?.noticePeriodDays ?? 0;
}

/** Warns when an explicit effective date comes before the notice period would end. */
function updateEffectiveWarning() {
  const warning = $('effective-warning');
  const effective = input('effective-at').value;
  const days = noticeDays();
  const applies = chosenChange() === 'material' && input('notify').checked && state.revisions.length > 0;
  if (!effective || !applies || days === 0) {
    warning.hidden = true;
    return;
  }
  const ends = Date.now() + days * DAY_MS;
  const at = new Date(effective).getTime();
  warning.hidden = at >= ends;
  warning.textContent = `This date is earlier than the ${days}-day notice period, which would end ${when(new Date(ends).toISOString())}. Customers get less notice than the policy's setting.`;
}

function frame(html: string, title: string, className: string): HTMLIFrameElement {
  // No allow-* token: no script, no form, no navigation of this page, no same-origin access.
  const iframe = el('iframe', { className, title });
  iframe.setAttribute('sandbox', '');
  iframe.srcdoc = html;
  return iframe;
}

function renderDiff(locale: string, diff: Diff): HTMLElement {
  const box = el('div');
  box.append(
    el('h4', {
      textContent: `${locale}: ${diff.stats.sectionsChanged} section(s) changed, ${diff.stats.linesAdded} line(s) added, ${diff.stats.linesRemoved} removed`,
    }),
  );
  for (const s of diff.sections) {
    if (s.status === 'unchanged') continue;
    const sec = el('div', { className: 'diff-section' });
    sec.append(
      el(
        'h5',
        {},
        el('span', { className: `badge ${s.status}`, textContent: s.status }),
        ` ${s.title || s.key}`,
      ),
    );
    const text = el('div', { className: 'text' });
    for (const op of s.changes ?? [])
      text.append(
        op.op === 'equal'
          ? document.createTextNode(op.text)
          : el(op.op === 'insert' ? 'ins' : 'del', { textContent: op.text }),
      );
    sec.append(text);
    box.append(sec);
  }
  return box;
}

/** The policy text as its public page shows it (Markdown rendered by the pages' own renderer). */
function renderedText(locale: string, text: string, format: DocumentFormat): HTMLElement {
  const box = el('div');
  box.append(el('h4', { textContent: `Text (${locale})` }));
  if (format !== 'markdown') {
    // Focusable: a scrolling region must be reachable by keyboard.
    box.append(el('pre', { className: 'email-text', textContent: text, tabIndex: 0 }));
    return box;
  }
  const html = `<!doctype html><html lang="${locale.replace(/[^A-Za-z0-9-]/g, '')}"><head><meta charset="utf-8"><title>Preview</title><style>body{font-family:system-ui,sans-serif;line-height:1.5;margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem}</style></head><body>${renderMarkdown(documentModel(text, 'markdown'))}</body></html>`;
  box.append(frame(html, `The ${locale} text rendered`, 'rendered'));
  return box;
}

function recipientsList(recipients: Recipients): HTMLElement {
  const entries = Object.entries(recipients.byLocale).sort(([a], [b]) => a.localeCompare(b));
  const list = el('ul');
  for (const [locale, n] of entries)
    list.append(el('li', { textContent: `${locale}: ${n} customer${n === 1 ? '' : 's'}` }));
  if (recipients.suppressed > 0)
    list.append(
      el('li', { textContent: `${recipients.suppressed} suppressed (bounced or complained): not emailed` }),
    );
  return list;
}

async function dryRun(body: PublishBody): Promise<DryRun> {
  const policyId = input('policy-id').value;
  return api<DryRun>('POST', `${policyPath(policyId)}/revisions`, { ...body, dryRun: true });
}

function showPreview(body: PublishBody, res: DryRun) {
  state.lastPreview = { body, dry: res };
  $('preview-body').replaceChildren(
    el('p', {
      textContent: `Would publish version ${res.version} (${res.change}, effective ${inWords(res.effectiveAt)}). Nothing has been stored.`,
    }),
  );
  const r = res.recipients;
  $('preview-recipients').replaceChildren(
    el('p', {
      textContent: body.notify
        ? `${r.total} active customer${r.total === 1 ? '' : 's'} would be emailed:`
        : `No email will be sent (not notified). ${r.total} active customers are registered:`,
    }),
    recipientsList(r),
  );
  const locales = Object.keys(res.emails);
  const select = $<HTMLSelectElement>('test-locale');
  select.replaceChildren(...locales.map((l) => el('option', { value: l, textContent: l })));
  select.value = res.defaultLocale in res.emails ? res.defaultLocale : (locales[0] ?? '');
  $('preview-emails').replaceChildren(
    ...locales.map((locale) => {
      const email = res.emails[locale]!;
      const box = el('section', { className: 'email-preview' });
      box.dataset.locale = locale;
      const headingId = `email-h-${locale}`;
      box.setAttribute('aria-labelledby', headingId);
      box.append(
        el('h4', { id: headingId, textContent: `Email in ${locale}: ${email.subject}` }),
        frame(email.html, `The ${locale} email as customers will see it`, 'email'),
        el(
          'details',
          {},
          el('summary', { textContent: `Plain-text part (${locale})` }),
          el('pre', { className: 'email-text', textContent: email.text, tabIndex: 0 }),
        ),
      );
      return box;
    }),
  );
  $('preview-rendered').replaceChildren(
    ...Object.entries(body.texts).map(([locale, text]) => renderedText(locale, text, body.format)),
  );
  $('preview-diff').replaceChildren(...Object.entries(res.diff).map(([l, d]) => renderDiff(l, d)));
  $('preview-panel').hidden = false;
}

async function preview() {
  setStatus('publish-status', 'Computing the preview…');
  try {
    const body = readForm();
    showPreview(body, await dryRun(body));
    setStatus('publish-status', 'Preview ready: nothing has been stored.');
  } catch (e) {
    setStatus('publish-status', message(e), true);
  }
}

async function sendTest() {
  const to = input('test-recipient').value.trim();
  if (!state.lastPreview) return setStatus('test-status', 'Preview first.', true);
  if (!to) return setStatus('test-status', 'Type the address to send the test to.', true);
  setStatus('test-status', 'Sending…');
  try {
    const locale = $<HTMLSelectElement>('test-locale').value;
    const res = await dryRun({ ...state.lastPreview.body, testRecipient: to, testLocale: locale });
    setStatus(
      'test-status',
      `Test email (${res.testEmail?.locale ?? locale}) queued for ${res.testEmail?.to ?? to}; it goes out within moments. It is not a notification.`,
    );
  } catch (e) {
    setStatus('test-status', message(e), true);
  }
}

/** What the dialog must say, and whether it may be confirmed. */
function confirmation(
  body: PublishBody,
  dry: DryRun,
): { lines: (string | HTMLElement)[]; block: string | null } {
  const lines: (string | HTMLElement)[] = [];
  lines.push(
    dry.change === 'material'
      ? 'A material change: every user must acknowledge the new version again.'
      : 'A minor change: existing acknowledgments stay valid.',
  );
  lines.push(`It takes effect ${inWords(dry.effectiveAt)}.`);
  if (body.effectiveAt === undefined && dry.change === 'material' && body.notify && noticeDays() > 0)
    lines.push(`That is the policy's ${noticeDays()}-day notice period.`);
  const notice = noticeDays();
  if (
    body.effectiveAt !== undefined &&
    dry.change === 'material' &&
    body.notify &&
    notice > 0 &&
    Date.parse(body.effectiveAt) < Date.now() + notice * DAY_MS
  )
    lines.push(
      el('strong', {
        className: 'warning',
        textContent: `Warning: this is earlier than the ${notice}-day notice period.`,
      }),
    );
  if (body.notify) {
    lines.push(
      `${dry.recipients.total} customer${dry.recipients.total === 1 ? '' : 's'} will be emailed, per language:`,
    );
    lines.push(recipientsList(dry.recipients));
  } else lines.push('No customer will be emailed.');
  const missing = dry.locales.filter((l) => !body.summary?.[l]);
  lines.push(
    missing.length ? `No summary in: ${missing.join(', ')}.` : 'Every language has a summary of the change.',
  );
  const block =
    dry.change === 'material' && body.notify && missing.length
      ? `A material change that emails customers needs a summary in every language (missing: ${missing.join(', ')}). Write them, then publish again.`
      : null;
  return { lines, block };
}

async function openConfirmation(event: Event) {
  event.preventDefault();
  setStatus('publish-status', 'Checking what publishing would do…');
  let body: PublishBody;
  let dry: DryRun;
  try {
    body = readForm();
    dry = await dryRun(body);
  } catch (e) {
    setStatus('publish-status', message(e), true);
    return;
  }
  showPreview(body, dry);
  const { lines, block } = confirmation(body, dry);
  const title = dry.titles[dry.defaultLocale] ?? dry.policyId;
  $('confirm-h').textContent = `Publish version ${dry.version} of “${title}”?`;
  $('confirm-body').replaceChildren(
    ...lines.map((line) => (typeof line === 'string' ? el('p', { textContent: line }) : line)),
  );
  const confirm = $<HTMLButtonElement>('confirm-publish');
  confirm.disabled = block !== null;
  $('confirm-block').hidden = block === null;
  $('confirm-block').textContent = block ?? '';
  confirm.textContent = body.notify ? `Publish and email ${dry.recipients.total}` : 'Publish';
  state.pending = { body, dry };
  setStatus('publish-status', 'Waiting for your confirmation: nothing has been stored.');
  $<HTMLDialogElement>('confirm-dialog').showModal();
  (block === null ? confirm : $('confirm-cancel')).focus();
}

function closeConfirmation(result: string) {
  const dialog = $<HTMLDialogElement>('confirm-dialog');
  if (dialog.open) dialog.close(result);
}

async function confirmPublish() {
  const pending = state.pending;
  if (!pending) return;
  closeConfirmation('confirmed');
  state.pending = null;
  const policyId = input('policy-id').value;
  const isNew = state.revisions.length === 0;
  setStatus('publish-status', 'Publishing…');
  $<HTMLButtonElement>('publish').disabled = true;
  try {
    const res = await api<Revision>('POST', `${policyPath(policyId)}/revisions`, pending.body);
    let note = '';
    if (isNew) {
      const days = Number(input('notice-days').value);
      try {
        await api('PUT', `${policyPath(policyId)}/settings`, { noticePeriodDays: days });
        note = ` Notice period for later changes: ${days} days.`;
      } catch (e) {
        note = ` The notice period was not saved: ${message(e)}`;
      }
    }
    await loadPolicies();
    $<HTMLSelectElement>('policy-select').value = policyId;
    await selectPolicy(policyId);
    setStatus('publish-status', `Published version ${res.version} (${res.hash}).${note}`);
    if (res.notify) watchProgress(policyId, res.version);
  } catch (e) {
    setStatus('publish-status', message(e), true);
  } finally {
    $<HTMLButtonElement>('publish').disabled = false;
    $('publish').focus();
  }
}

function watchProgress(policyId: string, version: number) {
  clearTimeout(state.watch);
  $('progress-panel').hidden = false;
  const tick = async () => {
    try {
      const p = await api<Progress>('GET', `${policyPath(policyId)}/revisions/${version}/notification`);
      const bar = $<HTMLProgressElement>('progress');
      bar.max = Math.max(1, p.total);
      bar.value = p.sent + p.failed + p.suppressed;
      $('progress-text').textContent = `Version ${version}: ${progressLine(p)}.`;
      $('progress-text').dataset.status = p.status;
      const cell = $('history').querySelector<HTMLElement>(`td[data-version="${version}"]`);
      if (cell) cell.textContent = progressLine(p);
      if (p.status !== 'completed' && p.status !== 'not_requested') state.watch = setTimeout(tick, 1000);
    } catch (e) {
      setStatus('progress-text', message(e), true);
      state.watch = setTimeout(tick, 3000);
    }
  };
  void tick();
}

async function countPending() {
  const policyId = input('policy-id').value;
  try {
    const s = await api<{ requiredVersion: number | null; pending: number; activeCustomers: number }>(
      'GET',
      `${policyPath(policyId)}/acknowledgments/summary`,
    );
    setStatus(
      'acks-status',
      s.requiredVersion === null
        ? 'Nothing is in effect yet.'
        : `${s.pending} of ${s.activeCustomers} active customers have not acknowledged version ${s.requiredVersion} yet.`,
    );
  } catch (e) {
    setStatus('acks-status', message(e), true);
  }
}

const csvCell = (v: unknown) => csvField(typeof v === 'string' ? v : JSON.stringify(v));
async function exportCsv() {
  const policyId = input('policy-id').value;
  const columns = ACKNOWLEDGMENT_CSV_COLUMNS;
  const lines = [columns.join(',')];
  let cursor: string | null = null;
  try {
    do {
      const page: { acknowledgments: Record<string, unknown>[]; nextCursor: string | null } = await api(
        'GET',
        `${policyPath(policyId)}/acknowledgments?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const a of page.acknowledgments)
        lines.push(columns.map((c) => csvCell(c === 'version' ? String(a[c]) : a[c])).join(','));
      cursor = page.nextCursor;
    } while (cursor);
    const url = URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' }));
    const a = el('a', { href: url, download: `${policyId}-acknowledgments.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setStatus('acks-status', `Exported ${lines.length - 1} acknowledgments.`);
  } catch (e) {
    setStatus('acks-status', message(e), true);
  }
}

function start() {
  const zone = `${timeZone} (${new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? ''})`;
  $('zone').textContent = zone;
  $('effective-zone').textContent = zone;
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn(input('token').value.trim());
  });
  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem('policyToken');
    location.reload();
  });
  $('policy-select').addEventListener('change', (e) => {
    void selectPolicy((e.target as HTMLSelectElement).value);
  });
  $('add-locale').addEventListener('click', () => {
    const locale = input('new-locale').value.trim();
    if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(locale)) return;
    if ($('locales').querySelector(`[data-locale="${locale}"]`)) return;
    $('locales').append(localeBlock(locale, '', ''));
    input('new-locale').value = '';
  });
  $('save-notice').addEventListener('click', () => void saveNotice());
  for (const id of ['effective-at', 'notify']) $(id).addEventListener('change', updateEffectiveWarning);
  for (const radio of document.querySelectorAll('input[name=change]'))
    radio.addEventListener('change', updateEffectiveWarning);
  $('preview').addEventListener('click', () => void preview());
  $('send-test').addEventListener('click', () => void sendTest());
  $('publish-form').addEventListener('submit', (e) => void openConfirmation(e));
  $('confirm-publish').addEventListener('click', () => void confirmPublish());
  $('confirm-cancel').addEventListener('click', () => closeConfirmation('cancelled'));
  // Escape (the dialog's cancel event) and Cancel both close it; nothing was stored; focus goes back.
  $('confirm-dialog').addEventListener('close', () => {
    const dialog = $<HTMLDialogElement>('confirm-dialog');
    if (dialog.returnValue !== 'confirmed') {
      state.pending = null;
      setStatus('publish-status', 'Not published: nothing was stored.');
      $('publish').focus();
    }
    dialog.returnValue = '';
  });
  $('compare').addEventListener('click', () => {
    const policyId = encodeURIComponent(input('policy-id').value);
    const from = $<HTMLSelectElement>('from').value;
    const to = $<HTMLSelectElement>('to').value;
    window.open(`/p/${policyId}/changes?from=${from}&to=${to}`, '_blank', 'noopener');
  });
  $('count').addEventListener('click', () => void countPending());
  $('export').addEventListener('click', () => void exportCsv());
  if (state.token) void signIn(state.token);
}

start();
