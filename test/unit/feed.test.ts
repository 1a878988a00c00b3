/**
 * Issue 12 finding 4: the Atom feed stopped being XML on U+FFFE, U+FFFF or a lone surrogate in a
 * summary, and lacked `<author>` and `xml:lang`. Checked with an XML parser and RFC 4287's required
 * elements.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import type { Revision } from '../../functions/domain/revision';
import { renderAtomFeed, withoutXmlIllegal } from '../../functions/views/pages';
import { call, startTestService, TOKENS } from '../support/service';

/** Any character outside XML 1.0's Char production. */
const XML_ILLEGAL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Well-formed XML 1.0 and the elements RFC 4287 requires of a feed and its entries. */
function expectValidAtom(text: string) {
  expect(XMLValidator.validate(text)).toBe(true);
  expect(XML_ILLEGAL.test(text)).toBe(false);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(text);
  const feed = doc.feed;
  expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed['@xml:lang']).toMatch(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/);
  for (const name of ['id', 'title', 'updated']) expect(asArray(feed[name]), name).toHaveLength(1);
  expect(asArray(feed.author)).toHaveLength(1);
  expect(String(feed.author.name)).not.toBe('');
  expect(new URL(String(feed.id)).protocol).toMatch(/^https?:$/);
  expect(Number.isNaN(Date.parse(String(feed.updated)))).toBe(false);
  const links = asArray(feed.link);
  expect(links.some((l: Record<string, string>) => l['@rel'] === 'self')).toBe(true);
  const entries = asArray(feed.entry);
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    for (const name of ['id', 'title', 'updated']) expect(asArray(entry[name]), name).toHaveLength(1);
    expect(Number.isNaN(Date.parse(String(entry.updated)))).toBe(false);
    // No <content>: RFC 4287 then requires an alternate link and a summary.
    expect(asArray(entry.link).some((l: Record<string, string>) => l['@rel'] === 'alternate')).toBe(true);
    expect(entry.summary).toBeDefined();
    expect(entry['@xml:lang']).toBeDefined();
  }
  return feed;
}

const revision = (version: number, summary: string): Revision => ({
  policyId: 'privacy',
  version,
  change: 'material',
  format: 'text',
  publishedAt: `2026-0${version}-01T00:00:00.000Z`,
  effectiveAt: `2026-0${version}-02T00:00:00.000Z`,
  defaultLocale: 'vi',
  locales: ['vi'],
  contentHashes: { vi: 'sha256:00' },
  hash: 'sha256:01',
  previousHash: null,
  summary: { vi: summary },
  titles: {},
  notify: true,
});

describe('Atom feed (issue 12 finding 4)', () => {
  it('stays well-formed XML when stored summaries hold characters XML 1.0 forbids', () => {
    const hostile = 'a\ufffeb\uffffc\ud800d\udc00e\u0001f\u001b]]><script>&amp;"\'😀 e\u0301 \u202e';
    const text = renderAtomFeed({
      policyId: 'privacy',
      revisions: [revision(1, 'first'), revision(2, hostile)],
      baseUrl: 'https://policies.example.com',
      author: 'Example & Co. <legal>',
    });
    const feed = expectValidAtom(text);
    expect(feed.author.name).toBe('Example & Co. <legal>');
    expect(feed['@xml:lang']).toBe('vi');
    expect(text).toContain('😀');
    expect(text).toContain('&lt;script&gt;');
  });

  it('strips exactly the characters XML 1.0 forbids', () => {
    expect(withoutXmlIllegal('a\u0000\u0008\t\n\r\u000b\u001fb')).toBe('a\t\n\rb');
    expect(withoutXmlIllegal('\ud83d\ude00\ud83d x\ude00')).toBe('\ud83d\ude00 x');
    expect(withoutXmlIllegal('\ufffd\ufffe\uffff\ue000')).toBe('\ufffd\ue000');
    expect(withoutXmlIllegal('plain')).toBe('plain');
  });
});

describe('Atom feed over HTTP (issue 12 finding 4)', () => {
  let service: LocalService;
  beforeAll(async () => {
    service = await startTestService();
    for (const [texts, summary] of [
      [{ vi: 'Chính sách\n', en: 'Policy\n' }, undefined],
      [
        { vi: 'Chính sách mới\n', en: 'New policy\n' },
        { vi: 'Tóm tắt <b>', en: 'Summary' },
      ],
    ] as const) {
      const res = await call(service, 'POST', '/policies/privacy/revisions', {
        token: TOKENS.publisher,
        body: { texts, change: 'material', notify: false, ...(summary ? { summary } : {}) },
      });
      expect(res.status, res.text).toBe(201);
    }
  });
  afterAll(async () => service?.stop());

  it('serves a valid RFC 4287 feed with the organisation as author and the policy language', async () => {
    const res = await call(service, 'GET', '/p/privacy/feed.atom');
    expect(res.status).toBe(200);
    const feed = expectValidAtom(res.text);
    expect(feed.author.name).toBe('Example Co.');
    expect(feed['@xml:lang']).toBe('vi');
    expect(asArray(feed.entry)).toHaveLength(2);
  });
});
