import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { edit, fixtureEn, fixtureEnV2, fixtureVi, fixtureViV2 } from '../support/fixtures';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
const pub = TOKENS.publisher;
const hostile = `<script>alert("x")</script> & 'quoted' "double"`;

// v2 is the example's second revision: a new section 7 (later ones renumbered) and four edits, one of
// them "12 tháng" → "18 tháng" in the retention table (examples/README.md).
const v2 = fixtureViV2;

beforeAll(async () => {
  service = await startTestService();
  const publish = (body: unknown) =>
    call(service, 'POST', '/policies/privacy/revisions', { token: pub, body });
  expect(
    (
      await publish({
        texts: { vi: fixtureVi, en: fixtureEn },
        change: 'material',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await publish({
        texts: { vi: v2, en: fixtureEnV2 },
        change: 'material',
        summary: { vi: 'Thêm mục 7 về dữ liệu của trẻ em', en: "New section 7 on children's data" },
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
      'modified:Người phụ trách bảo vệ dữ liệu',
      'added:Dữ liệu của trẻ em',
      'added:Độ tuổi tối thiểu',
      'added:Dữ liệu thu thập do nhầm lẫn',
      'modified:Thời hạn lưu trữ',
      'modified:Biện pháp kỹ thuật',
      'modified:Cách thực hiện quyền',
    ]);
    const retention = changed[4].changes.filter((c: { op: string }) => c.op !== 'equal');
    expect(retention).toEqual([
      { op: 'delete', text: '8.1' },
      { op: 'insert', text: '9.1' },
      { op: 'delete', text: '12' },
      { op: 'insert', text: '18' },
    ]);
    expect(res.json.stats.sectionsChanged).toBe(7);
    // The other 35 sections kept their content: renumbering alone changes none of them.
    expect(res.json.sections.filter((s: { status: string }) => s.status === 'unchanged')).toHaveLength(35);
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
    expect(unified.text).toContain('\n-- Account data: 12 months after the account is closed\n');
    expect(unified.text).toContain('\n+- Account data: 18 months after the account is closed\n');
    expect(unified.text).toContain("\n+7. Children's data\n");
    const html = await call(service, 'GET', '/policies/privacy/diff?from=1&to=2&format=html');
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    // Each mark carries its screen-reader label, in the page's language (vi here).
    expect(html.text).toContain('<del><span class="vh">đã xoá: </span>12</del>');
    expect(html.text).toContain('<ins><span class="vh">đã thêm: </span>18</ins>');
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
          vi: edit(v2, '18 tháng sau', '24 tháng sau'),
          en: fixtureEnV2,
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
    expect(res.text).toContain('Dữ liệu của trẻ em');
    expect(res.text).toContain('Lịch sử phiên bản');
    expect(res.text).toContain('href="/p/privacy?locale=en"');
    expect(res.text).not.toContain('<script');
    const en = await call(service, 'GET', '/p/privacy?locale=en');
    expect(en.text).toContain('require two-factor authentication for every staff account');
  });

  it('shows one version and 404s an unknown one as a page', async () => {
    const v1 = await call(service, 'GET', '/p/privacy/v/1');
    expect(v1.status).toBe(200);
    expect(v1.text).toContain('12 tháng sau khi tài khoản bị đóng');
    expect(v1.text).not.toContain('Dữ liệu của trẻ em');
    const missing = await call(service, 'GET', '/p/privacy/v/7');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('puts the summary and changed sections first on the redline page', async () => {
    const res = await call(service, 'GET', '/p/privacy/changes?from=1&to=2');
    expect(res.status).toBe(200);
    const summaryAt = res.text.indexOf('Thêm mục 7 về dữ liệu của trẻ em');
    const firstSection = res.text.indexOf('<section class="change"');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(firstSection);
    expect(res.text).toContain('<ins><span class="vh">đã thêm: </span>18</ins>');
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
