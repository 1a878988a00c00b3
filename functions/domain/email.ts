/**
 * The change email, rendered in two steps so the costly part runs once per campaign and locale:
 * `composeNotice` builds everything that is the same for every recipient in a locale (subject, what
 * changed, links, contact block); `personalize` adds the greeting with the recipient's name.
 *
 * Safety rules: header values (subject, addresses) never contain CR, LF or other control characters;
 * every value inserted into the HTML part is escaped, and nothing from a customer or a publisher ever
 * reaches the subject except through `headerSafe`.
 */

import { wordingFor } from './email-templates';
import { escapeHtml } from './escape';
import type { ChangeKind } from './revision';
import { withoutTrailingSlashes } from './text';

export interface OrgContact {
  name: string;
  phone: string | null;
  email: string | null;
  /** Postal address (ORG_ADDRESS), one line. */
  address?: string | null;
  /** The organisation's website (ORG_WEBSITE), an http(s) URL. */
  website?: string | null;
}

export interface NoticeInput {
  policyId: string;
  /** The policy's human title in the content locale (`revisionTitle`); the policy id when it has none. */
  title: string;
  version: number;
  change: ChangeKind;
  effectiveAt: string;
  /** The locale the content is in (the revision has it). */
  locale: string;
  /**
   * The reader's locale for the frame (subject, greeting, instructions, dates, footer) when a template
   * exists for it; default: `locale`. When its language differs from the content's, one line says which
   * language the policy is written in.
   */
  frameLocale?: string;
  /** IANA time zone the times are shown in (the reader's, else ORG_TIME_ZONE); default `UTC`. */
  timeZone?: string;
  /** The staff summary, if one was written. */
  summary: string | null;
  /** The locale the summary is written in (default: `locale`). */
  summaryLocale?: string;
  /** Titles of the changed sections (diff engine), in document order. */
  changedSections: string[];
  /** Changed sections beyond `changedSections` that are only counted (see `listedChanges`). */
  moreSections?: number;
  /** The redline page's anchor of the first changed section (`s-<key>`), when there is one. */
  firstChangeAnchor?: string | null;
  publicBaseUrl: string;
  org: OrgContact;
}

/** What one locale's emails share; `personalize` turns it into one recipient's email. */
export interface Notice {
  /**
   * The email's language tag (its `<html lang>`): the frame's locale, or the template's language when
   * the frame's language has no template (a `fr` reader gets the English wording, tagged `en`).
   */
  locale: string;
  /** The template language actually used (`en` for locales without a template). */
  language: string;
  subject: string;
  /** The organisation and the policy's title: the email's masthead. */
  org: string;
  title: string;
  greeting: (name: string | null) => string;
  textBody: string;
  htmlBody: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** At most this many section titles are listed; the rest are counted. */
export const MAX_LISTED_SECTIONS = 15;
const MAX_TITLE_CHARS = 200;

/**
 * What an email of a revision says changed in one locale: the titles it lists (at most
 * MAX_LISTED_SECTIONS, cleaned as the email shows them), how many more changed sections it only counts,
 * and the redline anchor of the first changed section. Computed once when the revision is published
 * (usecases/revision-changes.ts) and stored with it, so the send worker needs no diff engine.
 */
export interface ChangedSections {
  titles: string[];
  more: number;
  anchor: string | null;
}

export const NO_CHANGED_SECTIONS: ChangedSections = { titles: [], more: 0, anchor: null };

/** The email's list of changed sections from every changed section's title, in document order. */
export function listedChanges(titles: readonly string[], anchor: string | null): ChangedSections {
  const { listed, more } = listTitles(titles);
  return { titles: listed, more, anchor };
}

/**
 * The first MAX_LISTED_SECTIONS titles that are not blank, cleaned; the others only counted (a rewrite
 * of a 2 MiB text changes a hundred thousand sections).
 */
function listTitles(titles: readonly string[]): { listed: string[]; more: number } {
  const listed: string[] = [];
  let more = 0;
  for (const t of titles) {
    if (listed.length < MAX_LISTED_SECTIONS) {
      const line = singleLine(t, MAX_TITLE_CHARS);
      if (line !== '') listed.push(line);
    } else if (!BLANK.test(t)) more++;
  }
  return { listed, more };
}
const MAX_SUBJECT_CHARS = 180;
const MAX_NAME_CHARS = 100;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** A value `singleLine` makes nothing of: white space (what `trim` removes is `\s`) and control characters. */
const BLANK = /^[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line, no control characters (CR/LF/NUL/tab become spaces), runs of spaces collapsed. */
export function singleLine(value: string, maxChars = Number.POSITIVE_INFINITY): string {
  const line = value.replace(/\r\n?/g, ' ').replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** A value that is safe as a mail header: never a line break, bounded length. */
export const headerSafe = (value: string, maxChars = MAX_SUBJECT_CHARS) => singleLine(value, maxChars);

/** Multi-line text kept as paragraphs: LF only, no other control characters. */
const multiLine = (value: string) =>
  value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_EXCEPT_NEWLINE, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export { escapeHtml };

/** Deliberately plain: one @, no spaces or control characters, a dotted domain. SES has the last word. */
export const EMAIL_ADDRESS =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether every value is valid Unicode: a lone surrogate cannot be encoded (SES's SDK throws on it). */
export const isWellFormed = (...values: string[]) => values.every((v) => !LONE_SURROGATE.test(v));

/** A bare address fit for a header: single line, no display name, no header syntax, valid Unicode. */
export const isSafeAddress = (address: string) =>
  address.length <= 254 &&
  !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(address) &&
  isWellFormed(address) &&
  EMAIL_ADDRESS.test(address);

/**
 * The From header: `"<name>" <address>`, the name quoted (`"` and `\` escaped) when it is printable
 * ASCII, else RFC 2047-encoded (`=?UTF-8?B?…?=`). Control characters never reach it.
 */
export function senderHeader(name: string, address: string): string {
  const clean = singleLine(name, 64);
  if (clean === '') return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?= <${address}>`;
}

export function noticeLinks(
  publicBaseUrl: string,
  policyId: string,
  version: number,
  anchor: string | null = null,
) {
  const base = withoutTrailingSlashes(publicBaseUrl);
  const p = encodeURIComponent(policyId);
  const fragment = anchor ? `#${encodeURIComponent(anchor)}` : '';
  return {
    redline: version > 1 ? `${base}/p/${p}/changes?from=${version - 1}&to=${version}${fragment}` : null,
    fullText: `${base}/p/${p}/v/${version}`,
  };
}

/**
 * The effective date in the reader's locale and time zone, the zone named:
 * "January 1, 2027 at 9:00 AM (Asia/Ho_Chi_Minh)". An unknown zone falls back to UTC.
 */
export function formatEffectiveDate(iso: string, locale: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const options = { dateStyle: 'long', timeStyle: 'short', timeZone: zone } as const;
  let formatted: string;
  try {
    formatted = new Intl.DateTimeFormat(locale, options).format(date);
  } catch {
    formatted = new Intl.DateTimeFormat('en', options).format(date);
  }
  return `${formatted} (${zone})`;
}

/** Whether `name` is a time zone Intl knows (an IANA name such as `Asia/Ho_Chi_Minh`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let zoneNames: Map<string, string> | null = null;

/**
 * The zone's IANA spelling (`asia/ho_chi_minh` → `Asia/Ho_Chi_Minh`), as given when Intl knows it under
 * another (link) name; null when it is no zone.
 */
export function canonicalTimeZone(name: string): string | null {
  if (!isTimeZone(name)) return null;
  zoneNames ??= new Map(
    [...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone] as const),
  );
  return zoneNames.get(name.toLowerCase()) ?? name;
}

/** Text the email shows; which sentences and links, in order, is the same for both parts. */
type Block =
  | { kind: 'p'; text: string; strong?: boolean; lang?: string; muted?: boolean }
  | { kind: 'h2'; text: string }
  | { kind: 'list'; items: string[]; more?: string; lang?: string }
  | { kind: 'button'; label: string; href: string; primary: boolean }
  | { kind: 'lines'; lines: { label?: string; text: string; href?: string }[] };

/** Colours that read well on light and (through the media query) dark backgrounds. */
const C = {
  page: '#f2f4f7',
  card: '#ffffff',
  text: '#1f2328',
  muted: '#57606a',
  rule: '#d0d7de',
  accent: '#0b5cad',
  accentText: '#ffffff',
};
const FONT =
  "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Noto Sans',sans-serif";

const DARK_CSS = `:root{color-scheme:light dark;supported-color-schemes:light dark}
@media (prefers-color-scheme: dark){
.em-page{background:#0d1117 !important}
.em-card{background:#161b22 !important;color:#e6edf3 !important;border-color:#30363d !important}
.em-muted{color:#9da7b3 !important}
.em-link{color:#6cb6ff !important}
.em-btn{background:#3b8eea !important;color:#0d1117 !important}
.em-btn2{background:transparent !important;color:#6cb6ff !important;border-color:#6cb6ff !important}
.em-rule{border-color:#30363d !important}
}`;

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'p': {
      const text = escapeHtml(b.text).replace(/\n/g, '<br>');
      const style = b.muted
        ? `margin:16px 0 0;font-size:13px;line-height:1.5;color:${C.muted}`
        : 'margin:0 0 16px;font-size:16px;line-height:1.5';
      const lang = b.lang ? ` lang="${escapeHtml(b.lang)}"` : '';
      return `<p${lang}${b.muted ? ' class="em-muted"' : ''} style="${style}">${b.strong ? `<strong>${text}</strong>` : text}</p>`;
    }
    case 'h2':
      return `<h2 style="margin:24px 0 8px;font-size:17px;line-height:1.3">${escapeHtml(b.text)}</h2>`;
    case 'list':
      return (
        `<ul${b.lang ? ` lang="${escapeHtml(b.lang)}"` : ''} style="margin:0 0 16px;padding:0 0 0 20px;font-size:16px;line-height:1.5">\n${b.items.map((t) => `<li style="margin:0 0 4px">${escapeHtml(t)}</li>`).join('\n')}\n</ul>` +
        (b.more
          ? `\n<p style="margin:-8px 0 16px;font-size:16px;line-height:1.5">${escapeHtml(b.more)}</p>`
          : '')
      );
    case 'button': {
      const style = b.primary
        ? `display:inline-block;padding:12px 20px;border-radius:6px;background:${C.accent};color:${C.accentText};font-weight:600;font-size:16px;text-decoration:none`
        : `display:inline-block;padding:11px 19px;border-radius:6px;border:1px solid ${C.accent};color:${C.accent};font-weight:600;font-size:16px;text-decoration:none`;
      return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 12px"><tr><td><a class="${b.primary ? 'em-btn' : 'em-btn2'}" href="${escapeHtml(b.href)}" style="${style}">${escapeHtml(b.label)}</a></td></tr></table>`;
    }
    case 'lines':
      return `<p style="margin:0 0 16px;font-size:15px;line-height:1.6">${b.lines
        .map((l) => {
          const value = l.href
            ? `<a class="em-link" href="${escapeHtml(l.href)}" style="color:${C.accent}">${escapeHtml(l.text)}</a>`
            : escapeHtml(l.text);
          return l.label ? `${escapeHtml(l.label)}: ${value}` : value;
        })
        .join('<br>')}</p>`;
  }
}

/**
 * The plain-text part of a block: the same sentences as the HTML, each link's URL on the line after
 * its label (a button) or after the label's colon (a contact line).
 */
function blockText(b: Block): string {
  switch (b.kind) {
    case 'p':
      return b.text;
    case 'h2':
      return b.text;
    case 'list':
      return [...b.items.map((t) => `- ${t}`), ...(b.more ? [b.more] : [])].join('\n');
    case 'button':
      return `${b.label}\n${b.href}`;
    case 'lines':
      return b.lines
        .map((l) => {
          // A mailto link's text is the address itself: the text part shows it once.
          const value = l.href && !l.href.startsWith('mailto:') ? `${l.text} <${l.href}>` : l.text;
          return l.label ? `${l.label}: ${value}` : value;
        })
        .join('\n');
  }
}

/** Whether a configured website is a plain http(s) URL (anything else is left out of the email). */
const isWebUrl = (value: string) => /^https?:\/\/[^\s<>"']+$/i.test(value);

/** Builds one locale's shared email content. Pure; call once per (campaign, locale, frame, zone). */
export function composeNotice(input: NoticeInput): Notice {
  const frame = input.frameLocale ?? input.locale;
  const { wording: w, language } = wordingFor(frame);
  const material = input.change === 'material';
  const org = singleLine(input.org.name, 80);
  const title = singleLine(input.title, MAX_TITLE_CHARS) || singleLine(input.policyId, 64);
  const date = formatEffectiveDate(input.effectiveAt, frame, input.timeZone ?? 'UTC');
  const contentLanguage = input.locale.split('-')[0]!.toLowerCase();
  const availableIn = contentLanguage !== language ? w.availableIn(languageName(input.locale, frame)) : null;
  // The wording is in `language`; what the policy's authors wrote (summary, section titles) is in the
  // content's locale, tagged as such when the two differ, so screen readers pronounce each part right.
  const emailLang = frame.split('-')[0]!.toLowerCase() === language ? frame : language;
  const langOf = (locale: string) =>
    locale.split('-')[0]!.toLowerCase() !== language ? { lang: locale } : {};
  const links = noticeLinks(input.publicBaseUrl, input.policyId, input.version, input.firstChangeAnchor);
  const subject = headerSafe(w.subject({ material, org, title, version: input.version }));
  const intro = w.intro({ title, version: input.version, date });
  const kind = material ? w.material : w.minor;
  const summary = input.summary ? multiLine(input.summary) : '';
  const { listed, more: unlisted } = listTitles(input.changedSections);
  const more = unlisted + (input.moreSections ?? 0);
  const phone = input.org.phone ? singleLine(input.org.phone, 60) : null;
  const email = input.org.email ? singleLine(input.org.email, 254) : null;
  const address = input.org.address ? singleLine(input.org.address, 300) : null;
  const websiteRaw = input.org.website ? singleLine(input.org.website, 300) : null;
  const website = websiteRaw && isWebUrl(websiteRaw) ? websiteRaw : null;

  const blocks: Block[] = [{ kind: 'p', text: intro }];
  if (availableIn) blocks.push({ kind: 'p', text: availableIn });
  if (input.version === 1) blocks.push({ kind: 'p', text: w.firstVersion });
  blocks.push({ kind: 'p', text: kind, strong: material });
  if (summary) {
    blocks.push({ kind: 'h2', text: w.summaryHeading });
    for (const paragraph of summary.split(/\n{2,}/))
      blocks.push({ kind: 'p', text: paragraph, ...langOf(input.summaryLocale ?? input.locale) });
  }
  if (listed.length > 0) {
    blocks.push(
      { kind: 'h2', text: w.sectionsHeading },
      {
        kind: 'list',
        items: listed,
        ...langOf(input.locale),
        ...(more > 0 ? { more: w.moreSections(more) } : {}),
      },
    );
  }
  if (links.redline) blocks.push({ kind: 'button', label: w.redline, href: links.redline, primary: true });
  blocks.push({ kind: 'button', label: w.fullText, href: links.fullText, primary: !links.redline });
  blocks.push({ kind: 'h2', text: w.contactHeading });
  blocks.push({
    kind: 'lines',
    lines: [
      { text: org },
      ...(phone ? [{ label: w.phone, text: phone }] : []),
      ...(email ? [{ label: w.email, text: email, href: `mailto:${email}` }] : []),
      ...(address ? [{ label: w.address, text: address }] : []),
      ...(website ? [{ label: w.website, text: websiteLabel(website), href: website }] : []),
    ],
  });
  blocks.push({ kind: 'p', text: w.footer, muted: true });

  return {
    locale: emailLang,
    language,
    subject,
    org,
    title,
    greeting: (name) => w.greeting(name),
    // A heading sits right above what it heads, as in the earlier text emails.
    textBody: blocks
      .map((b, i) => (i > 0 && blocks[i - 1]!.kind !== 'h2' ? '\n\n' : i > 0 ? '\n' : '') + blockText(b))
      .join(''),
    htmlBody: blocks.map(blockHtml).join('\n'),
  };
}

/** A website shown by its host and path, never as the raw URL (`https://www.x.vn/` → `www.x.vn`). */
function websiteLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

/** The content locale's language named in the frame's language (`vi` in `en` → "Vietnamese"). */
function languageName(locale: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

/**
 * One recipient's email: the shared notice plus a greeting with their (sanitised, escaped) name, in a
 * single-column layout of at most 600 px (tables and inline styles, which email clients keep), with a
 * `color-scheme: light dark` declaration and dark colours for clients that honour it.
 */
export function personalize(notice: Notice, name: string | null): RenderedEmail {
  const clean = name ? singleLine(name, MAX_NAME_CHARS) : '';
  const greeting = notice.greeting(clean === '' ? null : clean);
  const lang = escapeHtml(notice.locale);
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(notice.subject)}</title>
<style>${DARK_CSS}</style>
</head>
<body class="em-page" style="margin:0;padding:0;background:${C.page};color:${C.text};font-family:${FONT}">
<table role="presentation" class="em-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${C.page}">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" class="em-card" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:${C.card};color:${C.text};border:1px solid ${C.rule};border-radius:8px">
<tr><td style="padding:24px 20px;font-family:${FONT};word-break:break-word">
<p class="em-muted" style="margin:0 0 4px;font-size:13px;letter-spacing:.02em;color:${C.muted}">${escapeHtml(notice.org)}</p>
<h1 style="margin:0 0 20px;font-size:22px;line-height:1.3">${escapeHtml(notice.title)}</h1>
<p style="margin:0 0 16px;font-size:16px;line-height:1.5">${escapeHtml(greeting)}</p>
${notice.htmlBody}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  return {
    subject: notice.subject,
    text: `${notice.org}\n${notice.title}\n\n${greeting}\n\n${notice.textBody}\n`,
    html,
  };
}
