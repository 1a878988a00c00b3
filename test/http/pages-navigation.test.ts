import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { unmatchedResponse } from '../../functions/http/api';
import { htmlErrorPage } from '../../functions/http/error-pages';
import { formatDate } from '../../functions/views/strings';
import { publishPrivacyHistory } from '../support/fixtures';
import { decode, idsOf, innerHtmlOf, startTags, textOf } from '../support/html';
import { call, startTestService, TOKENS } from '../support/service';

// Issue #14, "Public pages that can be navigated": what a reader following a link gets, read from the
// HTML the service answers.
let service: LocalService;
const pub = TOKENS.publisher;
const publish = async (policyId: string, body: unknown) => {
  const res = await call(service, 'POST', `/policies/${policyId}/revisions`, { token: pub, body });
  expect(res.status, res.text).toBe(201);
  return res.json;
};
const get = (path: string, headers: Record<string, string> = {}) => call(service, 'GET', path, { headers });

const markdown = `# Terms

Intro text.

## 1. Scope

All services.

## A

First A.

## A

Second A (its key is \`a#2\`).

## A 2

A heading whose key is \`a-2\`.
`;

beforeAll(async () => {
  service = await startTestService();
  await publishPrivacyHistory(publish);
  await publish('terms', { texts: { en: markdown }, change: 'material', format: 'markdown' });
});
afterAll(async () => service?.stop());

/** The table of contents' links and the page's ids: every link lands on exactly one element. */
function expectTocResolves(html: string, minimum: number) {
  const from = html.indexOf('<nav class="toc"');
  expect(from).toBeGreaterThan(0);
  const to = html.indexOf('</nav>', from);
  const links = startTags(html.slice(from, to)).filter((t) => t.name === 'a');
  expect(links.length).toBeGreaterThanOrEqual(minimum);
  const ids = idsOf(html);
  expect(new Set(ids).size, 'ids are unique').toBe(ids.length);
  for (const link of links) {
    expect(link.attrs.href).toMatch(/^#s-/);
    expect(ids, link.attrs.href).toContain(link.attrs.href!.slice(1));
  }
  return links.map((l) => l.attrs.href!.slice(1));
}

describe('table of contents', () => {
  it('lists a plain-text policy’s sections as links to heading ids (the section keys)', async () => {
    const res = await get('/p/privacy');
    expect(res.status).toBe(200);
    const targets = expectTocResolves(res.text, 20);
    // The targets are the section headings themselves, in document order, each id the section key.
    const headings = startTags(res.text).filter((t) => t.name === 'h2' && t.attrs.id?.startsWith('s-'));
    expect(headings.map((h) => h.attrs.id)).toEqual(targets);
    expect(targets).toContain('s-7');
    expect(textOf(res.text, 's-7')).toBe('7. Dữ liệu của trẻ em');
    // Stable: the same text gives the same ids on the version page.
    const v3 = await get('/p/privacy/v/3');
    expect(expectTocResolves(v3.text, 20)).toEqual(targets);
  });

  it('gives a Markdown policy’s headings unique ids even when two keys map to one id', async () => {
    const res = await get('/p/terms');
    const targets = expectTocResolves(res.text, 4);
    expect(targets).toEqual(['s-terms', 's-1', 's-a', 's-a-2', 's-a-2-2']);
    expect(textOf(res.text, 's-a-2')).toBe('A');
    expect(textOf(res.text, 's-a-2-2')).toBe('A 2');
  });
});

describe('an old version', () => {
  it('says which version replaced it, when, and links to it and to the current text', async () => {
    const v2 = (await get('/policies/privacy/revisions/2')).json;
    const res = await get('/p/privacy/v/1');
    expect(res.status).toBe(200);
    const banner = textOf(res.text, 'replaced');
    expect(banner).toContain(
      `Đây là phiên bản cũ. Phiên bản 2 đã thay thế phiên bản này từ ${formatDate(v2.effectiveAt, 'vi')}.`,
    );
    expect(banner).toContain('UTC');
    const links = startTags(innerHtmlOf(res.text, 'replaced')!).filter((t) => t.name === 'a');
    expect(links.map((l) => l.attrs.href)).toEqual([
      '/p/privacy/v/2?locale=vi',
      '/p/privacy/changes?from=1&to=2&locale=vi',
      '/p/privacy?locale=vi',
    ]);
    // In the language shown.
    const en = await get('/p/privacy/v/2?locale=en');
    expect(textOf(en.text, 'replaced')).toContain('This is an old version. Version 3 replaced it on');
  });

  it('is not said of the current version or the front page', async () => {
    for (const path of ['/p/privacy', '/p/privacy/v/3']) {
      const res = await get(path);
      expect(textOf(res.text, 'replaced'), path).toBeUndefined();
    }
  });
});

describe('a language the policy does not have', () => {
  it('is said in a visible notice naming the language shown', async () => {
    const res = await get('/p/vionly?locale=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="vi">');
    expect(textOf(res.text, 'language-notice')).toBe(
      'This text is not available in English. It is shown in Vietnamese.',
    );
    expect(startTags(res.text).find((t) => t.attrs.id === 'language-notice')?.attrs.lang).toBe('en');
    // In the shown language when the pages do not speak the one asked for.
    const fr = await get('/p/vionly/v/1?locale=fr');
    expect(textOf(fr.text, 'language-notice')).toBe(
      'Văn bản này không có bằng Tiếng Pháp. Văn bản được hiển thị bằng Tiếng Việt.',
    );
    const redline = await get('/p/vionly/changes?from=1&to=1&locale=ja');
    expect(textOf(redline.text, 'language-notice')).toBe(
      'この文書は日本語では提供されていません。ベトナム語で表示しています。',
    );
  });

  it('is not shown when the language is there, or none was asked for', async () => {
    for (const path of ['/p/vionly', '/p/vionly?locale=vi', '/p/privacy?locale=en']) {
      expect(textOf((await get(path)).text, 'language-notice'), path).toBeUndefined();
    }
  });
});

describe('error pages', () => {
  it('answer 404 in the policy’s language and the pages’ style, never cached', async () => {
    const res = await get('/p/privacy/v/9');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-language')).toBe('vi');
    expect(res.text).toContain('<html lang="vi">');
    expect(decode(res.text)).toContain('<h1>Không tìm thấy trang');
    expect(res.text).toContain('<style>'); // the pages' layout and styles
    expect(res.text).toContain('<a href="/p/privacy">Văn bản hiện hành của chính sách</a>');
    expect(res.text).toContain(
      '<link rel="alternate" type="application/atom+xml" href="/p/privacy/feed.atom"',
    );
    expect(res.text).not.toContain('<script');
  });

  it('follow ?locale=, then the policy, then Accept-Language', async () => {
    const en = await get('/p/privacy/v/9?locale=en');
    expect(en.status).toBe(404);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Page not found');
    const ja = await get('/p/nosuchpolicy', { 'accept-language': 'fr;q=0.9, ja;q=0.8, en;q=0.1' });
    expect(ja.status).toBe(404);
    expect(ja.text).toContain('<html lang="ja">');
    expect(ja.text).toContain('ページが見つかりません');
    expect(ja.text).not.toContain('/p/nosuchpolicy"'); // no link to a policy that does not exist
    const plain = await get('/p/nosuchpolicy/changes?from=1&to=2');
    expect(plain.status).toBe(404);
    expect(plain.text).toContain('<html lang="en">');
    // The policy's language wins over the browser's: the page would have been Vietnamese.
    const vi = await get('/p/vionly/v/5', { 'accept-language': 'en-US,en;q=0.9' });
    expect(vi.text).toContain('<html lang="vi">');
  });

  it('answer a mistyped page link that no route takes with the 404 page; other unmatched requests stay JSON', async () => {
    for (const path of ['/p/privacy/versions/2', '/p/privacy/v/2/extra', '/p/']) {
      const res = await get(path, { 'accept-language': 'vi-VN,vi;q=0.9' });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(res.text, path).toContain('<html lang="vi">');
      expect(decode(res.text), path).toContain('<h1>Không tìm thấy trang');
    }
    const asked = await get('/p/privacy/versions?locale=ja');
    expect(asked.text).toContain('<html lang="ja">');
    // In AWS the $default route's function answers the same way (the same function, unmatchedResponse).
    const lambda = unmatchedResponse(
      { kind: 'not-found' },
      { method: 'GET', path: '/p/x/y/z', headers: { 'Accept-Language': 'en' } },
      htmlErrorPage,
    );
    expect(lambda.statusCode).toBe(404);
    expect(lambda.headers?.['content-type']).toMatch(/^text\/html/);
    expect(lambda.body).toContain('Page not found');
    // Machines get the JSON error: another method, or a path outside the pages.
    const post = await call(service, 'POST', '/p/privacy', { body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('content-type')).toMatch(/^application\/json/);
    const api = await get('/nothing/here');
    expect(api.status).toBe(404);
    expect(JSON.parse(api.text).error.code).toBe('NOT_FOUND');
  });

  it('answer a malformed address with 400 in the same language and style', async () => {
    const res = await get('/p/privacy/v/abc');
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toContain('<html lang="vi">');
    expect(res.text).toContain('Địa chỉ không hợp lệ');
    expect(textOf(res.text.replace('<div class="error"', '<div id="err" class="error"'), 'err')).toContain(
      'version must be a positive integer',
    );
    const badLocale = await get('/p/privacy?locale=%3Cscript%3E');
    expect(badLocale.status).toBe(400);
    expect(badLocale.text).toContain('<html lang="vi">');
    expect(badLocale.text).not.toContain('<script>');
  });
});

describe('feed autodiscovery', () => {
  it('is in the head of every policy page, and its link is the feed', async () => {
    const pages = [
      '/p/privacy',
      '/p/privacy/v/1',
      '/p/privacy/changes?from=1&to=2',
      '/p/privacy/changes?from=2&to=1',
      '/p/terms',
    ];
    for (const path of pages) {
      const res = await get(path);
      const head = res.text.slice(0, res.text.indexOf('</head>'));
      const link = startTags(head).find((t) => t.name === 'link' && t.attrs.rel === 'alternate');
      expect(link?.attrs.type, path).toBe('application/atom+xml');
      const feed = await get(link!.attrs.href!);
      expect(feed.status).toBe(200);
      expect(feed.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    }
  });
});

describe('the redline', () => {
  it('shows each changed heading once, with next/previous change links that land on changed sections', async () => {
    const res = await get('/p/privacy/changes?from=1&to=2');
    const ids = idsOf(res.text);
    expect(new Set(ids).size).toBe(ids.length);
    const changed = startTags(res.text).filter((t) => t.name === 'section' && t.attrs.class === 'change');
    expect(changed.length).toBe(7);
    const targets = changed.map((t) => t.attrs['aria-labelledby']!);
    // The heading is the section's h2, not repeated in its body.
    const retention = targets.find((id) => textOf(res.text, id)?.includes('Thời hạn lưu trữ'))!;
    const section = res.text.slice(
      res.text.indexOf(`id="${retention}"`),
      res.text.indexOf('</section>', res.text.indexOf(`id="${retention}"`)),
    );
    expect(section.split('Thời hạn lưu trữ').length - 1).toBe(1);
    // Its renumbering is marked in the heading itself.
    expect(innerHtmlOf(res.text, retention)).toContain(
      '<del><span class="vh">đã xoá: </span>8.1</del><ins><span class="vh">đã thêm: </span>9.1</ins> Thời hạn lưu trữ',
    );
    const steps = startTags(res.text).filter((t) => t.attrs['data-step'] !== undefined);
    const next = steps.filter((t) => t.attrs['data-step'] === 'next').map((t) => t.attrs.href!.slice(1));
    const previous = steps
      .filter((t) => t.attrs['data-step'] === 'previous')
      .map((t) => t.attrs.href!.slice(1));
    expect(next).toEqual(targets.slice(1));
    expect(previous).toEqual(targets.slice(0, -1));
    for (const id of [...next, ...previous]) expect(ids).toContain(id);
    expect(
      steps.filter((t) => t.attrs['data-step'] === 'summary').every((t) => t.attrs.href === '#summary-h'),
    ).toBe(true);
  });

  it('explains its counts and labels insertions and deletions for screen readers', async () => {
    const res = await get('/p/privacy/changes?from=1&to=2&locale=en');
    const counts = startTags(res.text).find((t) => t.attrs.class === 'counts');
    expect(counts?.attrs.title).toMatch(/^\d+ lines? added, \d+ lines? removed$/);
    expect(res.text).toMatch(/<span class="vh">\d+ lines? added, \d+ lines? removed<\/span>/);
    expect(textOf(res.text, 'legend')).toBe(
      'How to read this page: inserted text · deleted text · + / −: lines added / removed',
    );
    const ins = [...res.text.matchAll(/<ins>(.*?)<\/ins>/gs)].map((m) => m[1]!);
    const del = [...res.text.matchAll(/<del>(.*?)<\/del>/gs)].map((m) => m[1]!);
    // Every mark in a section carries its label (the legend's samples aside).
    expect(ins.filter((h) => !h.startsWith('<span class="vh">inserted: </span>'))).toEqual(['inserted text']);
    expect(del.filter((h) => !h.startsWith('<span class="vh">deleted: </span>'))).toEqual(['deleted text']);
    expect(ins).toContain('<span class="vh">inserted: </span>18');
    expect(del).toContain('<span class="vh">deleted: </span>12');
  });

  it('read backwards shows the newer summary and says which way it reads', async () => {
    const res = await get('/p/privacy/changes?from=2&to=1&locale=en');
    expect(res.status).toBe(200);
    expect(textOf(res.text, 'summary-text')).toBe("Summary of version 2: New section 7 on children's data");
    expect(textOf(res.text, 'reversed')).toBe(
      'Shown in reverse: from the newer version 2 back to the older version 1. Inserted text is only in version 1; deleted text is only in version 2. Show the changes from version 1 to version 2',
    );
    const forward = startTags(innerHtmlOf(res.text, 'reversed')!).find((t) => t.name === 'a');
    expect(forward?.attrs.href).toBe('/p/privacy/changes?from=1&to=2&locale=en');
    // Forwards, the plain summary and no direction notice.
    const fwd = await get('/p/privacy/changes?from=1&to=2&locale=en');
    expect(textOf(fwd.text, 'summary-text')).toBe("New section 7 on children's data");
    expect(textOf(fwd.text, 'reversed')).toBeUndefined();
    // In Vietnamese too.
    const vi = await get('/p/privacy/changes?from=3&to=2');
    expect(textOf(vi.text, 'summary-text')).toBe('Tóm tắt của phiên bản 3: Sửa thời hạn lưu trữ');
    expect(textOf(vi.text, 'reversed')).toContain('Hiển thị theo chiều ngược');
  });
});

describe('times', () => {
  it('are shown with their zone, in the page’s language, and machine-readable', async () => {
    for (const [path, lang] of [
      ['/p/privacy', 'vi'],
      ['/p/privacy?locale=en', 'en'],
      ['/p/privacy/changes?from=1&to=2', 'vi'],
    ] as const) {
      const res = await get(path);
      const times = [...res.text.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
      expect(times.length, path).toBeGreaterThan(0);
      for (const [, iso, shown] of times) {
        expect(shown).toBe(formatDate(iso!, lang));
        expect(shown).toContain('UTC');
      }
    }
    expect(formatDate('2027-01-01T00:00:00.000Z', 'en')).toBe('January 1, 2027 at 00:00 UTC');
    expect(formatDate('2027-01-01T00:00:00.000Z', 'vi')).toBe('lúc 00:00 UTC 1 tháng 1, 2027');
    expect(formatDate('2027-01-01T00:00:00.000Z', 'ja')).toBe('2027年1月1日 00:00 UTC');
  });
});
