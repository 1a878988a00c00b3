import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, startTestService, TOKENS } from '../support/service';

const dataDir = mkdtempSync(join(tmpdir(), 'policy-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('local server restart', () => {
  it('keeps every revision, customer and acknowledgment on disk', async () => {
    const first = await startTestService({ dataDir });
    const published = await call(first, 'POST', '/policies/terms/revisions', {
      token: TOKENS.publisher,
      body: { texts: { vi: 'Điều khoản\n', en: 'Terms\n' }, change: 'material', notify: false },
    });
    expect(published.status).toBe(201);
    expect(
      (
        await call(first, 'PUT', '/customers/keep-me', {
          token: TOKENS.app,
          body: { email: 'keep@example.com', locale: 'en' },
        })
      ).status,
    ).toBe(201);
    const ack = await call(first, 'POST', '/users/keep-me/acknowledgments', {
      token: TOKENS.app,
      body: { policyId: 'terms', version: 1 },
    });
    expect(ack.status).toBe(201);
    await first.stop();

    const second = await startTestService({ dataDir });
    try {
      expect((await call(second, 'GET', '/policies/terms/revisions/1?locale=en')).json).toMatchObject({
        hash: published.json.hash,
        text: 'Terms\n',
      });
      expect((await call(second, 'GET', '/customers/keep-me', { token: TOKENS.app })).json).toMatchObject({
        email: 'keep@example.com',
        locale: 'en',
      });
      expect(
        (await call(second, 'GET', '/users/keep-me/acknowledgments', { token: TOKENS.app })).json
          .acknowledgments,
      ).toEqual([ack.json]);
      expect(
        (await call(second, 'GET', '/users/keep-me/policies/terms/status', { token: TOKENS.app })).json
          .reason,
      ).toBe('UP_TO_DATE');
      // The next publish continues the chain.
      const next = await call(second, 'POST', '/policies/terms/revisions', {
        token: TOKENS.publisher,
        body: { texts: { vi: 'Điều khoản mới\n', en: 'New terms\n' }, change: 'minor' },
      });
      expect(next.json).toMatchObject({ version: 2, previousHash: published.json.hash });
    } finally {
      await second.stop();
    }
  });
});
