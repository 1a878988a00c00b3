import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { fixtureVi } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
const pub = TOKENS.publisher;
const hostile = `<script>alert("x")</script> & 'quoted' "double"`;

// v2 inserts a section after 4 and renumbers the rest; edits one word in section 3.
const sections = fixtureVi.split(/\n(?=\d+\. )/);
const inserted = `5. Chia sẻ thông tin với bên thứ ba\n\nTAGGER không chia sẻ Thông Tin Nhận Được với bên thứ ba khi chưa có sự đồng ý của khách hàng.\n`;
const renumber = (s: string) => s.replace(/^(\d+)\. /, (_m, n: string) => `${Number(n) + 1}. `);
const v2 = [...sections.slice(0, 5), inserted, ...sections.slice(5).map(renumber)]
  .join('\n')
  .replace('quản lý nghiêm ngặt', 'quản lý rất nghiêm ngặt');

beforeAll(async () => {
  service = await startTestService();
  const publish = (body: unknown) =>
    call(service, 'POST', '/policies/privacy/revisions', { token: pub, body });
  expect(
    (
      await publish({
        texts: { vi: fixtureVi, en: 'Policy\n\n1. Data\n\nWe keep data safe.\n' },
        change: 'material',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await publish({
        texts: { vi: v2, en: 'Policy\n\n1. Data\n\nWe keep your data safe.\n' },
        change: 'material',
        summary: { vi: 'Thêm mục 5 về chia sẻ thông tin', en: 'New section 5' },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call(service, 'POST', '/policies/evil/revisions', {
        token: pub,
        body: {
          texts: { en: `# ${hostile}\n\nBody ${hostile}\n` },
          change: 'material',
          summary: { en: hostile },
        },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call(service, 'POST', '/policies/evil/revisions', {
        token: pub,
        body: {
          texts: { en: `# ${hostile}\n\nBody ${hostile} changed\n` },
          change: 'minor',
          summary: { en: hostile },
        },
      })
    ).status,
  ).toBe(201);
});
afterAll(async () => service?.stop());

describe('GET /policies/{policyId}/diff', () => {
  it('reports one added section and the word-level edit, not a cascade of renumbered sections', async () => {
    const res = await call(service, 'GET', '/policies/privacy/diff?from=1&to=2&locale=vi');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ policyId: 'privacy', from: 1, to: 2, locale: 'vi' });
    const changed = res.json.sections.filter((s: { status: string }) => s.status !== 'unchanged');
    expect(changed.map((s: { status: string; title: string }) => `${s.status}:${s.title}`)).toEqual([
      'modified:Quản lý Thông Tin Nhận Được',
      'added:Chia sẻ thông tin với bên thứ ba',
    ]);
    const edit = changed[0].changes.filter((c: { op: string }) => c.op !== 'equal');
    expect(edit).toEqual([{ op: 'insert', text: 'rất ' }]);
    expect(res.json.stats.sectionsChanged).toBe(2);
    for (const s of res.json.sections.filter((x: { status: string }) => x.status === 'unchanged'))
      expect(s.changes).toBeUndefined();
  });

  it('defaults to the latest revision against its predecessor, in the default locale', async () => {
    const res = await call(service, 'GET', '/policies/privacy/diff');
    expect(res.json).toMatchObject({ from: 1, to: 2, locale: 'vi' });
  });

  it('serves a unified diff and a redline page', async () => {
    const unified = await call(service, 'GET', '/policies/privacy/diff?from=1&to=2&locale=en&format=unified');
    expect(unified.headers.get('content-type')).toMatch(/^text\/x-diff/);
    expect(unified.text).toContain('--- privacy/v1/en');
    expect(unified.text).toContain('+++ privacy/v2/en');
    expect(unified.text).toContain('-We keep data safe.');
    expect(unified.text).toContain('+We keep your data safe.');
    const html = await call(service, 'GET', '/policies/privacy/diff?from=1&to=2&format=html');
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('<ins>rất </ins>');
  });

  it('rejects a bad format or version and 404s an unknown version', async () => {
    expect((await call(service, 'GET', '/policies/privacy/diff?format=pdf')).status).toBe(400);
    expect((await call(service, 'GET', '/policies/privacy/diff?from=x')).status).toBe(400);
    expect((await call(service, 'GET', '/policies/privacy/diff?from=1&to=9')).status).toBe(404);
  });
});

describe('dry run', () => {
  it('adds the per-locale diff against the latest revision', async () => {
    const res = await call(service, 'POST', '/policies/privacy/revisions', {
      token: pub,
      body: {
        texts: {
          vi: v2.replace('rất nghiêm ngặt', 'cực kỳ nghiêm ngặt'),
          en: 'Policy\n\n1. Data\n\nWe keep your data safe.\n',
        },
        change: 'minor',
        dryRun: true,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ version: 3, dryRun: true, baseVersion: 2 });
    expect(res.json.diff.en.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
    expect(res.json.diff.vi.stats.sectionsChanged).toBe(1);
  });
});

describe('public pages', () => {
  it('shows the current text with languages, dates and history', async () => {
    const res = await call(service, 'GET', '/p/privacy');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.text).toContain('<html lang="vi">');
    expect(res.text).toContain('Chia sẻ thông tin với bên thứ ba');
    expect(res.text).toContain('Lịch sử phiên bản');
    expect(res.text).toContain('href="/p/privacy?locale=en"');
    expect(res.text).not.toContain('<script');
    const en = await call(service, 'GET', '/p/privacy?locale=en');
    expect(en.text).toContain('We keep your data safe.');
  });

  it('shows one version and 404s an unknown one as a page', async () => {
    const v1 = await call(service, 'GET', '/p/privacy/v/1');
    expect(v1.status).toBe(200);
    expect(v1.text).toContain('quản lý nghiêm ngặt');
    const missing = await call(service, 'GET', '/p/privacy/v/7');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('puts the summary and changed sections first on the redline page', async () => {
    const res = await call(service, 'GET', '/p/privacy/changes?from=1&to=2');
    expect(res.status).toBe(200);
    const summaryAt = res.text.indexOf('Thêm mục 5 về chia sẻ thông tin');
    const firstSection = res.text.indexOf('<section class="change"');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(firstSection);
    expect(res.text).toContain('<ins>rất </ins>');
    expect(res.text.match(/<details /g)?.length).toBeGreaterThan(8); // unchanged sections collapsed
  });

  it('escapes hostile policy text, titles and summaries everywhere', async () => {
    for (const path of [
      '/p/evil',
      '/p/evil/v/1',
      '/p/evil/changes?from=1&to=2',
      '/policies/evil/diff?format=html',
      '/p/evil/feed.atom',
    ]) {
      const res = await call(service, 'GET', path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toContain('<script>');
      expect(res.text, path).not.toContain('"double"');
      expect(res.text, path).toContain('&lt;script&gt;');
    }
  });

  it('publishes an Atom feed of revisions, newest first', async () => {
    const res = await call(service, 'GET', '/p/privacy/feed.atom');
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    expect(res.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="');
    const entries = [...res.text.matchAll(/<entry[\s>][\s\S]*?<\/entry>/g)].map((m) => m[0]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain(`${service.url}/p/privacy/changes?from=1&amp;to=2`);
    expect(entries[1]).toContain(`${service.url}/p/privacy/v/1`);
  });
});
