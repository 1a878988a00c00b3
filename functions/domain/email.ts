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
}

export interface NoticeInput {
  policyId: string;
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
  /** The staff summary in that locale, if one was written. */
  summary: string | null;
  /** Titles of the changed sections (diff engine), in document order. */
  changedSections: string[];
  publicBaseUrl: string;
  org: OrgContact;
}

/** What one locale's emails share; `personalize` turns it into one recipient's email. */
export interface Notice {
  locale: string;
  /** The template language actually used (`en` for locales without a template). */
  language: string;
  subject: string;
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
const MAX_TITLE_CHARS = 160;
const MAX_SUBJECT_CHARS = 180;
const MAX_NAME_CHARS = 100;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
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

export function noticeLinks(publicBaseUrl: string, policyId: string, version: number) {
  const base = withoutTrailingSlashes(publicBaseUrl);
  const p = encodeURIComponent(policyId);
  return {
    redline: version > 1 ? `${base}/p/${p}/changes?from=${version - 1}&to=${version}` : null,
    fullText: `${base}/p/${p}/v/${version}`,
  };
}

/** The effective date in the reader's locale, always in UTC and saying so. */
export function formatEffectiveDate(iso: string, locale: string): string {
  const date = new Date(iso);
  let formatted: string;
  try {
    formatted = new Intl.DateTimeFormat(locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(date);
  } catch {
    formatted = new Intl.DateTimeFormat('en', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(date);
  }
  return `${formatted} UTC`;
}

const paragraphsHtml = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

/** Builds one locale's shared email content. Pure; call once per (campaign, locale). */
export function composeNotice(input: NoticeInput): Notice {
  const frame = input.frameLocale ?? input.locale;
  const { wording: w, language } = wordingFor(frame);
  const material = input.change === 'material';
  const org = singleLine(input.org.name, 80);
  const policyId = singleLine(input.policyId, 64);
  const date = formatEffectiveDate(input.effectiveAt, frame);
  const contentLanguage = input.locale.split('-')[0]!.toLowerCase();
  const availableIn = contentLanguage !== language ? w.availableIn(languageName(input.locale, frame)) : null;
  const links = noticeLinks(input.publicBaseUrl, input.policyId, input.version);
  const subject = headerSafe(w.subject({ material, org, policyId, version: input.version }));
  const intro = w.intro({ policyId, version: input.version, date });
  const kind = material ? w.material : w.minor;
  const summary = input.summary ? multiLine(input.summary) : '';
  const titles = input.changedSections.map((t) => singleLine(t, MAX_TITLE_CHARS)).filter((t) => t !== '');
  const listed = titles.slice(0, MAX_LISTED_SECTIONS);
  const more = titles.length - listed.length;
  const phone = input.org.phone ? singleLine(input.org.phone, 60) : null;
  const email = input.org.email ? singleLine(input.org.email, 254) : null;

  const text: string[] = [intro];
  if (availableIn) text.push(availableIn);
  if (input.version === 1) text.push(w.firstVersion);
  text.push(kind);
  if (summary) text.push(`${w.summaryHeading}\n${summary}`);
  if (listed.length > 0)
    text.push(
      [w.sectionsHeading, ...listed.map((t) => `- ${t}`), ...(more > 0 ? [w.moreSections(more)] : [])].join(
        '\n',
      ),
    );
  if (links.redline) text.push(`${w.redline}\n${links.redline}`);
  text.push(`${w.fullText}\n${links.fullText}`);
  text.push(
    [
      w.contactHeading,
      org,
      ...(phone ? [`${w.phone}: ${phone}`] : []),
      ...(email ? [`${w.email}: ${email}`] : []),
    ].join('\n'),
  );
  text.push(w.footer);

  const link = (href: string) => `<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`;
  const html: string[] = [`<p>${escapeHtml(intro)}</p>`];
  if (availableIn) html.push(`<p lang="${escapeHtml(frame)}"><em>${escapeHtml(availableIn)}</em></p>`);
  if (input.version === 1) html.push(`<p>${escapeHtml(w.firstVersion)}</p>`);
  html.push(material ? `<p><strong>${escapeHtml(kind)}</strong></p>` : `<p>${escapeHtml(kind)}</p>`);
  if (summary) html.push(`<h2>${escapeHtml(w.summaryHeading)}</h2>\n${paragraphsHtml(summary)}`);
  if (listed.length > 0)
    html.push(
      `<h2>${escapeHtml(w.sectionsHeading)}</h2>\n<ul>\n${listed.map((t) => `<li>${escapeHtml(t)}</li>`).join('\n')}\n</ul>` +
        (more > 0 ? `\n<p>${escapeHtml(w.moreSections(more))}</p>` : ''),
    );
  if (links.redline) html.push(`<p>${escapeHtml(w.redline)}<br>${link(links.redline)}</p>`);
  html.push(`<p>${escapeHtml(w.fullText)}<br>${link(links.fullText)}</p>`);
  const contact = [
    escapeHtml(org),
    ...(phone ? [`${escapeHtml(w.phone)}: ${escapeHtml(phone)}`] : []),
    ...(email
      ? [`${escapeHtml(w.email)}: <a href="mailto:${escapeHtml(email)}">${escapeHtml(email)}</a>`]
      : []),
  ];
  html.push(`<h2>${escapeHtml(w.contactHeading)}</h2>\n<p>${contact.join('<br>')}</p>`);
  html.push(`<p style="color:#666;font-size:12px">${escapeHtml(w.footer)}</p>`);

  return {
    locale: frame,
    language,
    subject,
    greeting: (name) => w.greeting(name),
    textBody: text.join('\n\n'),
    htmlBody: html.join('\n'),
  };
}

/** The content locale's language named in the frame's language (`vi` in `en` → "Vietnamese"). */
function languageName(locale: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

/** One recipient's email: the shared notice plus a greeting with their (sanitised, escaped) name. */
export function personalize(notice: Notice, name: string | null): RenderedEmail {
  const clean = name ? singleLine(name, MAX_NAME_CHARS) : '';
  const greeting = notice.greeting(clean === '' ? null : clean);
  const lang = escapeHtml(notice.locale);
  const html =
    `<!doctype html>\n<html lang="${lang}">\n<head><meta charset="utf-8"><title>${escapeHtml(notice.subject)}</title></head>\n` +
    `<body style="font-family:sans-serif;line-height:1.5">\n<p>${escapeHtml(greeting)}</p>\n${notice.htmlBody}\n</body>\n</html>\n`;
  return { subject: notice.subject, text: `${greeting}\n\n${notice.textBody}\n`, html };
}
