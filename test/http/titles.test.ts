/**
 * Human titles and time zones (issue 11): a revision's `titles` given at publish or taken from its
 * text's first heading, shown on pages and in the feed instead of the policy id; a customer's `timeZone`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

const pub = TOKENS.publisher;
const app = TOKENS.app;

describe('revision titles', () => {
  it('takes a Markdown text’s first H1 as plain text, and a plain text’s first non-empty line', async () => {
    const md = await call(service, 'POST', '/policies/md-title/revisions', {
      token: pub,
      body: {
        format: 'markdown',
        texts: {
          en: 'Intro line\n\n# The *Example* [Privacy](https://x.example) `Policy`\n\n## 1. Scope\n\nText.\n',
          vi: '#   Chính sách **quyền riêng tư**   \n\nNội dung.\n',
        },
        change: 'material',
        notify: false,
      },
    });
    expect(md.status).toBe(201);
    expect(md.json.titles).toEqual({ en: 'The Example Privacy Policy', vi: 'Chính sách quyền riêng tư' });

    const plain = await call(service, 'POST', '/policies/plain-title/revisions', {
      token: pub,
      body: {
        texts: { vi: '\n\n   Điều khoản sử dụng  \n\n1. Phạm vi\n' },
        change: 'material',
        notify: false,
      },
    });
    expect(plain.status).toBe(201);
    expect(plain.json.titles).toEqual({ vi: 'Điều khoản sử dụng' });
  });

  it('bounds a derived title and keeps a given one, per locale', async () => {
    const long = 'Tiêu đề '.repeat(60);
    const res = await call(service, 'POST', '/policies/given-title/revisions', {
      token: pub,
      body: {
        texts: { vi: `${long}\n\nNội dung.\n`, en: 'Terms\n\nText.\n' },
        titles: { EN: '  Terms of Service  ' },
        change: 'material',
        notify: false,
      },
    });
    expect(res.status).toBe(201);
    expect(res.json.titles.en).toBe('Terms of Service');
    expect(res.json.titles.vi.length).toBeLessThanOrEqual(200);
    expect(res.json.titles.vi.endsWith('…')).toBe(true);

    // Stored and returned by every read of the revision and of the policy.
    const read = await call(service, 'GET', '/policies/given-title/revisions/1?locale=en');
    expect(read.json.titles).toEqual(res.json.titles);
    const list = await call(service, 'GET', '/policies/given-title/revisions');
    expect(list.json.revisions[0].titles).toEqual(res.json.titles);
    const policy = await call(service, 'GET', '/policies/given-title');
    expect(policy.json.titles).toEqual(res.json.titles);
  });

  it('refuses a title for a locale the revision has no text in, with its path, and stores nothing', async () => {
    const res = await call(service, 'POST', '/policies/bad-title/revisions', {
      token: pub,
      body: { texts: { vi: 'Chính sách\n' }, titles: { en: 'Policy' }, change: 'material' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'titles.en' })]),
    );
    expect((await call(service, 'GET', '/policies/bad-title')).status).toBe(404);
  });

  it('names the policy by its title on its pages and in its feed, never by the bare id', async () => {
    await call(service, 'POST', '/policies/pg/revisions', {
      token: pub,
      body: {
        texts: { vi: 'Chính sách\n\n1. Một\n\nA.\n', en: 'Policy\n\n1. One\n\nA.\n' },
        titles: { vi: 'Chính sách <riêng tư> & cookie', en: 'Privacy & <Cookie> Policy' },
        change: 'material',
        notify: false,
      },
    });
    await call(service, 'POST', '/policies/pg/revisions', {
      token: pub,
      body: {
        texts: { vi: 'Chính sách\n\n1. Một\n\nB.\n', en: 'Policy\n\n1. One\n\nB.\n' },
        titles: { vi: 'Chính sách <riêng tư> & cookie', en: 'Privacy & <Cookie> Policy' },
        change: 'minor',
        notify: false,
      },
    });
    const page = (await call(service, 'GET', '/p/pg?locale=en')).text;
    expect(page).toMatch(/<title>Privacy &amp; &lt;Cookie&gt; Policy · [^<]*<\/title>/);
    expect(page).toMatch(/<h1>Privacy &amp; &lt;Cookie&gt; Policy — /);
    const vi = (await call(service, 'GET', '/p/pg/v/1')).text;
    expect(vi).toMatch(/<h1>Chính sách &lt;riêng tư&gt; &amp; cookie — /);
    const changes = (await call(service, 'GET', '/p/pg/changes?from=1&to=2&locale=en')).text;
    expect(changes).toMatch(/<title>Privacy &amp; &lt;Cookie&gt; Policy · /);
    expect(changes).not.toContain('“pg”');
    const feed = (await call(service, 'GET', '/p/pg/feed.atom')).text;
    expect(feed).toContain('<title>Chính sách &lt;riêng tư&gt; &amp; cookie: revisions</title>');
    expect(feed).toContain('<title>Chính sách &lt;riêng tư&gt; &amp; cookie — ');
    expect(feed).not.toMatch(/<title>pg/);
  });
});

describe('customer time zones', () => {
  it('stores and returns an IANA time zone, null when none is given', async () => {
    const put = await call(service, 'PUT', '/customers/tz1', {
      token: app,
      body: { email: 'tz1@example.vn', timeZone: 'Asia/Ho_Chi_Minh' },
    });
    expect(put.status).toBe(201);
    expect(put.json.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect((await call(service, 'GET', '/customers/tz1', { token: app })).json.timeZone).toBe(
      'Asia/Ho_Chi_Minh',
    );
    const cased = await call(service, 'PUT', '/customers/tz1', {
      token: app,
      body: { email: 'tz1@example.vn', timeZone: 'europe/paris' },
    });
    expect(cased.json.timeZone).toBe('Europe/Paris');
    const none = await call(service, 'PUT', '/customers/tz2', {
      token: app,
      body: { email: 'tz2@example.vn' },
    });
    expect(none.json.timeZone).toBeNull();
  });

  it('refuses a name that is no time zone with 400 at path timeZone, and stores nothing', async () => {
    const res = await call(service, 'PUT', '/customers/tz3', {
      token: app,
      body: { email: 'tz3@example.vn', timeZone: 'Asia/Atlantis' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.details).toEqual([expect.objectContaining({ path: 'timeZone' })]);
    expect((await call(service, 'GET', '/customers/tz3', { token: app })).status).toBe(404);
  });
});
