/** Issue 12 finding 7: feed links came from request headers and were cached publicly for 300 s. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { parseSettings } from '../../functions/composition/env';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;

beforeAll(async () => {
  service = await startTestService();
  const res = await call(service, 'POST', '/policies/privacy/revisions', {
    token: TOKENS.publisher,
    body: { texts: { en: 'Policy\n' }, change: 'material', notify: false },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => service?.stop());
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('links never come from forwarded headers (issue 12 finding 7)', () => {
  it('builds local feed links from the listening address whatever Host and X-Forwarded-* say', async () => {
    const res = await call(service, 'GET', '/p/privacy/feed.atom', {
      headers: {
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'javascript',
        forwarded: 'host=evil.example;proto=https',
      },
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('evil.example');
    expect(res.text).not.toContain('javascript');
    expect(res.text).toContain(`href="${service.url}/p/privacy/v/1"`);
  });

  it('uses PUBLIC_BASE_URL (trailing slashes dropped) when it is set', () => {
    const env = { PUBLIC_BASE_URL: 'https://policies.example.com//', ORG_NAME: 'Example' };
    expect(parseSettings('read', env).publicBaseUrl).toBe('https://policies.example.com');
  });

  it.each([
    ['unset', '', /environment variable PUBLIC_BASE_URL is required/],
    ['not a URL', 'policies.example.com', /PUBLIC_BASE_URL must be an absolute http\(s\) URL/],
    ['not http(s)', 'javascript:alert(1)', /PUBLIC_BASE_URL must be an absolute http\(s\) URL/],
  ])(
    'fails the read function at cold start with a clear message when PUBLIC_BASE_URL is %s',
    async (_, value, message) => {
      vi.stubEnv('PUBLIC_BASE_URL', value);
      vi.stubEnv('POLICIES_TABLE', 'policies');
      const { handler } = await import('../../functions/handlers/read');
      await expect(handler({} as Parameters<typeof handler>[0])).rejects.toThrow(message);
    },
  );
});
