import { isWhitespace } from './text';

/**
 * Replaces every email address (SES error messages quote recipients) with `<address>`, and nothing
 * else: stack paths such as `node_modules/@aws-sdk/client-ses/dist/index.js:12` or `lodash@4.17.21`
 * stay readable. An address is a non-empty local part of the characters mail systems accept unquoted,
 * `@`, and a dotted domain whose last label has at least two letters. Found by expanding around each
 * `@` with loops: a regex scanning for the local part over text with no `@` is quadratic.
 */
export function redactAddresses(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > copied && isLocalChar(text.charCodeAt(start - 1))) start--;
    while (start < at && text[start] === '.') start++;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    if (start < at && isDomain(text.slice(at + 1, end))) {
      out += `${text.slice(copied, start)}<address>`;
      copied = end;
    }
    at = text.indexOf('@', Math.max(at + 1, copied));
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const isAlnum = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Unquoted local-part characters (RFC 5322 atext and dots), non-ASCII letters for SMTPUTF8. */
const isLocalChar = (c: number) =>
  isAlnum(c) || "!#$%&'*+=?^_`{|}~.-".includes(String.fromCharCode(c)) || (c > 0x7f && !isWhitespace(c));
const isDomainChar = (c: number) => isAlnum(c) || c === 0x2e || c === 0x2d || (c > 0x7f && !isWhitespace(c));
function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  const tld = labels[labels.length - 1]!;
  return (
    labels.length >= 2 &&
    labels.every((label) => label.length > 0) &&
    tld.length >= 2 &&
    ![...tld].some((ch) => ch >= '0' && ch <= '9')
  );
}
