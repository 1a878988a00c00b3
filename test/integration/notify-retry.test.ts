import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationOptions } from '../../bin/local/notifications';
import type { LocalService } from '../../bin/local/runtime';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { DynamoNotificationStore } from '../../functions/adapters/dynamodb/notification-store';
import { MailSendError } from '../../functions/domain/notification';
import type { Mailer, OutgoingEmail } from '../../functions/ports';
import { policyctlAgainst } from '../support/process';
import { call, publishNotifiedV2, startTestService, TOKENS } from '../support/service';

const QUICK: Partial<NotificationOptions> = {
  sweepIntervalMs: 0,
  leaseMs: 60_000,
  visibilityTimeoutMs: 300,
  invocationTimeoutMs: 60_000,
  maxReceiveCount: 10,
  retryBaseMs: 2,
  retryMaxMs: 20,
};

const running: LocalService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

/**
 * A mailer that refuses `rj*` addresses with MessageRejected (the sender is not verified: retryable
 * once fixed) until `fixed`, and `bad*` addresses always with InvalidParameterValue (permanent).
 */
function flakyMailer() {
  const sent: OutgoingEmail[] = [];
  const attempts = new Map<string, number>();
  const state = { fixed: false };
  const mailer: Mailer = {
    send: async (email) => {
      attempts.set(email.to, (attempts.get(email.to) ?? 0) + 1);
      if (email.to.startsWith('bad'))
        throw new MailSendError('rejected', 'InvalidParameterValue', 'Missing final @domain');
      if (email.to.startsWith('rj') && !state.fixed)
        throw new MailSendError('rejected', 'MessageRejected', 'Email address is not verified.');
      sent.push(email);
      return { messageId: `m-${sent.length}` };
    },
  };
  return { mailer, sent, attempts, state };
}

async function campaign(users: string[], batchSize = 3) {
  const flaky = flakyMailer();
  const service = await startTestService({
    sesMaxSendRate: 1_000,
    notifications: { ...QUICK, mailer: flaky.mailer, batchSize },
  });
  running.push(service);
  for (const id of users) {
    const res = await call(service, 'PUT', `/customers/${id}`, {
      token: TOKENS.app,
      body: { email: `${id}@retry.example`, locale: 'en' },
    });
    expect(res.status).toBe(201);
  }
  await publishNotifiedV2(service);
  await service.notifications.drain(30_000);
  const doc = createDocumentClient(createDynamoClient({ endpoint: service.dynamodbEndpoint }));
  return { service, ...flaky, ledger: new DynamoNotificationStore(doc, service.tables.notifications) };
}

const progress = async (service: LocalService) =>
  (await call(service, 'GET', '/policies/privacy/revisions/2/notification', { token: TOKENS.publisher }))
    .json;
const retry = (service: LocalService, token = TOKENS.publisher, path = '/policies/privacy/revisions/2') =>
  call(service, 'POST', `${path}/notification/retry`, { token, body: {} });

const USERS = ['ok1', 'ok2', 'ok3', 'ok4', 'rj1', 'rj2', 'rj3', 'bad1', 'bad2'];

describe('retrying failed recipients', () => {
  it('sends again only to failed recipients with a retryable reason; sent ones and permanent failures never', async () => {
    const { service, sent, attempts, state, ledger } = await campaign(USERS);
    expect(await progress(service)).toMatchObject({ status: 'completed', total: 9, sent: 4, failed: 5 });
    expect((await ledger.getEntry('privacy', 2, 'rj1'))!.reason).toMatch(/^MessageRejected: /);
    expect((await ledger.getEntry('privacy', 2, 'bad1'))!.reason).toMatch(/^InvalidParameterValue: /);

    state.fixed = true; // the operator verified the sender
    const res = await retry(service);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ requeued: 3, skipped: { permanent: 2, inProgress: 0 }, status: 'sending' });
    await service.notifications.drain(30_000);

    const to = (prefix: string) =>
      sent
        .filter((e) => e.to.startsWith(prefix))
        .map((e) => e.to)
        .sort();
    expect(to('rj')).toEqual(['rj1@retry.example', 'rj2@retry.example', 'rj3@retry.example']);
    // Sent ones got exactly one email; permanent failures were not even attempted again.
    expect(to('ok')).toEqual(['ok1', 'ok2', 'ok3', 'ok4'].map((u) => `${u}@retry.example`));
    for (const u of ['ok1', 'ok2', 'ok3', 'ok4']) expect(attempts.get(`${u}@retry.example`)).toBe(1);
    for (const u of ['bad1', 'bad2']) expect(attempts.get(`${u}@retry.example`)).toBe(1);
    for (const u of ['rj1', 'rj2', 'rj3']) {
      expect(attempts.get(`${u}@retry.example`)).toBe(2);
      const entry = await ledger.getEntry('privacy', 2, u);
      expect(entry).toMatchObject({ state: 'sent', retryPage: expect.any(Number) });
      expect(entry!.reason).toBeUndefined();
    }
    expect(await progress(service)).toMatchObject({
      status: 'completed',
      total: 9,
      sent: 7,
      failed: 2,
      suppressed: 0,
    });

    // Nothing retryable is left: a second retry sends nobody anything.
    const again = await retry(service);
    expect(again.json).toEqual({
      requeued: 0,
      skipped: { permanent: 2, inProgress: 0 },
      status: 'completed',
    });
    await service.notifications.drain(30_000);
    expect(sent).toHaveLength(7);
  });

  it('sends each recipient at most once more when retries run concurrently', async () => {
    const users = ['ok1', ...Array.from({ length: 12 }, (_, i) => `rj${i}`), 'bad1'];
    const { service, sent, attempts, state } = await campaign(users, 4);
    expect(await progress(service)).toMatchObject({ status: 'completed', sent: 1, failed: 13 });
    state.fixed = true;
    const answers = await Promise.all(Array.from({ length: 6 }, () => retry(service)));
    for (const a of answers) expect(a.status).toBe(200);
    // Exactly one call put the twelve back; the others found them taken.
    expect(answers.reduce((n, a) => n + a.json.requeued, 0)).toBe(12);
    await service.notifications.drain(30_000);
    const rj = sent.filter((e) => e.to.startsWith('rj')).map((e) => e.to);
    expect(new Set(rj).size).toBe(12);
    expect(rj).toHaveLength(12);
    for (let i = 0; i < 12; i++) expect(attempts.get(`rj${i}@retry.example`)).toBe(2);
    expect(attempts.get('ok1@retry.example')).toBe(1);
    expect(await progress(service)).toMatchObject({ status: 'completed', total: 14, sent: 13, failed: 1 });
  });

  it('finishes a retry that died after freezing its page: the next call reuses the page, nobody twice', async () => {
    const { service, sent, attempts, state, ledger } = await campaign(['ok1', 'rj1', 'rj2', 'bad1']);
    state.fixed = true;
    const before = (await ledger.getCampaign('privacy', 2))!;
    // What a retry does before it opens its page, then the process dies: page frozen, one entry moved.
    const page = before.fanout.page;
    await ledger.putPage(
      'privacy',
      2,
      { page, cursorIn: null, cursorOut: null, userIds: ['rj1', 'rj2'] },
      Date.now() + 60_000,
    );
    expect(await ledger.requeueFailed('privacy', 2, 'rj1', page)).toBe(true);
    // Moving it twice is refused: the conditional write takes each recipient once per page.
    expect(await ledger.requeueFailed('privacy', 2, 'rj1', page)).toBe(false);
    expect(await progress(service)).toMatchObject({ status: 'completed', failed: 3 });

    const res = await retry(service);
    expect(res.json).toEqual({ requeued: 2, skipped: { permanent: 1, inProgress: 0 }, status: 'sending' });
    await service.notifications.drain(30_000);
    expect(sent.map((e) => e.to).sort()).toEqual([
      'ok1@retry.example',
      'rj1@retry.example',
      'rj2@retry.example',
    ]);
    expect(attempts.get('rj1@retry.example')).toBe(2);
    expect(attempts.get('rj2@retry.example')).toBe(2);
    expect(await progress(service)).toMatchObject({ status: 'completed', total: 4, sent: 3, failed: 1 });
  });

  it('is for publishers only, and answers 404 for an unknown revision or one without notification', async () => {
    const { service, sent } = await campaign(['rj1']);
    expect((await retry(service, TOKENS.app)).status).toBe(403);
    const anonymous = await call(service, 'POST', '/policies/privacy/revisions/2/notification/retry', {
      body: {},
    });
    expect(anonymous.status).toBe(401);
    const unknownVersion = await retry(service, TOKENS.publisher, '/policies/privacy/revisions/99');
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.json.error.code).toBe('NOT_FOUND');
    expect((await retry(service, TOKENS.publisher, '/policies/nope/revisions/1')).status).toBe(404);
    // Version 1 was published without notify: it has no campaign to retry.
    expect((await retry(service, TOKENS.publisher, '/policies/privacy/revisions/1')).status).toBe(404);
    expect((await retry(service, TOKENS.publisher, '/policies/privacy/revisions/0')).status).toBe(400);
    await service.notifications.drain(30_000);
    expect(sent).toHaveLength(0);
    expect(await progress(service)).toMatchObject({ status: 'completed', failed: 1 });
  });

  it('is offered by the CLI: policyctl notification retry <policyId> <version>', async () => {
    const { service, sent, state } = await campaign(['ok1', 'rj1', 'bad1']);
    state.fixed = true;
    const help = await policyctl(service, ['notification', '--help']);
    expect(help.stdout).toContain('Usage: policyctl notification [retry] <policyId> <version>');
    expect(help.stdout).toContain('(notification retry <policyId> <version>) send the email again');
    const run = await policyctl(service, ['notification', 'retry', 'privacy', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'privacy v2: 1 failed recipient put back on the send queue; 1 failed permanently (not retried)\n',
    );
    await service.notifications.drain(30_000);
    expect(sent.map((e) => e.to).sort()).toEqual(['ok1@retry.example', 'rj1@retry.example']);
    const json = await policyctl(service, ['notification', 'retry', 'privacy', '2', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      requeued: 0,
      skipped: { permanent: 1, inProgress: 0 },
      status: 'completed',
    });
  });
});

const policyctl = (service: LocalService, args: string[]) =>
  policyctlAgainst(service, TOKENS.publisher, args);
