import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { unpaced } from '../../functions/adapters/token-bucket';
import {
  backoffMs,
  isCampaignComplete,
  isClaimable,
  MailSendError,
  notificationProgress,
  openPages,
  planBatches,
  recipientLocale,
  sendMessageSchema,
} from '../../functions/domain/notification';
import { addressHash } from '../../functions/domain/suppression';
import { createNotifyWorkerHandler } from '../../functions/handlers/notify-worker';
import { createSesEventsHandler } from '../../functions/handlers/ses-events';
import { createLogger } from '../../functions/http/log';
import type { Campaign, NotificationStore, OutgoingEmail, Suppression } from '../../functions/ports';
import { NoticeCache } from '../../functions/usecases/notification-content';
import {
  DEFAULT_WORKER_CONFIG,
  Limiter,
  validateWorkerConfig,
} from '../../functions/usecases/notification-worker';

const quiet = createLogger('test', 'error', () => {});

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  policyId: 'privacy',
  version: 2,
  status: 'sending',
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:01.000Z',
  completedAt: null,
  total: 120,
  sent: 100,
  failed: 0,
  suppressed: 0,
  fanout: { page: 3, cursor: null, done: true, leaseUntil: 0 },
  rolledUpPages: [0, 2],
  sweep: null,
  ...over,
});

/** The notice content, clock, ids and logger the worker handler tests share (no revision is read). */
const contentClockIds = () => ({
  content: new NoticeCache(
    { getRevision: async () => null, getChanges: async () => null },
    { publicBaseUrl: 'https://x.example', org: { name: 'X', phone: null, email: null } },
  ),
  clock: { now: () => new Date() },
  ids: { next: () => 'claim-token' },
  logger: quiet,
});

describe('planBatches', () => {
  const ids = Array.from({ length: 120 }, (_, i) => `u${i}`);

  it('splits a page into deterministic batches that name their page and count', () => {
    const a = planBatches('privacy', 2, 7, ids, 50);
    expect(a.map((b) => [b.batchId, b.userIds.length, b.batches])).toEqual([
      ['7-0', 50, 3],
      ['7-1', 50, 3],
      ['7-2', 20, 3],
    ]);
    expect(planBatches('privacy', 2, 7, ids, 50)).toEqual(a);
    expect(a.flatMap((b) => b.userIds)).toEqual(ids);
    for (const b of a) expect(sendMessageSchema().safeParse(b).success).toBe(true);
  });

  it('plans nothing for an empty page', () => {
    expect(planBatches('privacy', 2, 0, [])).toEqual([]);
  });

  it('rejects a batch id from another page', () => {
    const [b] = planBatches('privacy', 2, 7, ids, 50);
    expect(sendMessageSchema().safeParse({ ...b, batchId: '8-0' }).success).toBe(false);
  });
});

describe('recipientLocale', () => {
  const revision = { locales: ['vi', 'en', 'ja'], defaultLocale: 'vi' };
  it.each([
    ['en', 'en'],
    ['ja', 'ja'],
    ['en-GB', 'en'],
    ['fr', 'vi'],
    [null, 'vi'],
  ])('writes to a customer with locale %s in %s', (customer, expected) => {
    expect(recipientLocale(revision, customer)).toBe(expected);
  });
  it('prefers an exact regional match', () => {
    expect(recipientLocale({ locales: ['vi', 'vi-VN'], defaultLocale: 'vi' }, 'vi-VN')).toBe('vi-VN');
  });
});

describe('ledger and campaign rules', () => {
  it('lets a claim be taken over only once its lease has passed', () => {
    expect(isClaimable(undefined, 10)).toBe(true);
    expect(isClaimable({ userId: 'u', state: 'pending', attempts: 1 }, 10)).toBe(true);
    expect(isClaimable({ userId: 'u', state: 'claimed', attempts: 1, leaseUntil: 11 }, 10)).toBe(false);
    expect(isClaimable({ userId: 'u', state: 'claimed', attempts: 1, leaseUntil: 9 }, 10)).toBe(true);
    expect(isClaimable({ userId: 'u', state: 'sent', attempts: 1 }, 10)).toBe(false);
  });

  it('completes a campaign only when the fan-out is over and every recipient is counted', () => {
    expect(isCampaignComplete(campaign())).toBe(false);
    expect(isCampaignComplete(campaign({ sent: 110, failed: 5, suppressed: 5 }))).toBe(true);
    expect(
      isCampaignComplete(
        campaign({ sent: 120, fanout: { page: 3, cursor: 'c', done: false, leaseUntil: 0 } }),
      ),
    ).toBe(false);
  });

  it('reports the pages still open and adds their tallies to the progress', () => {
    const c = campaign();
    expect(openPages(c)).toEqual([1]);
    const tally = { page: 1, batches: 1, countedBatches: [], sent: 15, failed: 1, suppressed: 2 };
    // 118 handled in 118 s since the start: the last 2 take 2 s more.
    const now = new Date('2026-01-01T00:01:59.000Z');
    expect(notificationProgress({ notify: true }, c, [tally], now)).toEqual({
      status: 'sending',
      total: 120,
      sent: 115,
      failed: 1,
      suppressed: 2,
      startedAt: '2026-01-01T00:00:01.000Z',
      completedAt: null,
      estimatedCompletion: '2026-01-01T00:02:01.000Z',
    });
    expect(
      notificationProgress({ notify: true }, campaign({ status: 'completed' }), [], now).estimatedCompletion,
    ).toBeNull();
  });

  it('reports not_requested without notify and pending before the campaign exists', () => {
    expect(notificationProgress({ notify: false }, null).status).toBe('not_requested');
    expect(notificationProgress({ notify: true }, null)).toMatchObject({
      status: 'pending',
      total: 0,
      startedAt: null,
    });
  });

  it('backs off exponentially up to a cap', () => {
    // Between half the ceiling and the ceiling (min(max, base × 2^attempt)), by the random draw.
    expect(backoffMs(0, 100, 5000, 0)).toBe(50);
    expect(backoffMs(0, 100, 5000, 1)).toBe(100);
    expect(backoffMs(3, 100, 5000, 0)).toBe(400);
    expect(backoffMs(3, 100, 5000, 0.5)).toBe(600);
    expect(backoffMs(3, 100, 5000, 0.999)).toBe(800);
    expect(backoffMs(20, 100, 5000, 0)).toBe(2500);
    expect(backoffMs(20, 100, 5000, 1)).toBe(5000);
  });

  it('refuses a lease shorter than a recipient’s worst-case retries', () => {
    expect(() =>
      validateWorkerConfig({ ...DEFAULT_WORKER_CONFIG, from: 'a@b.example', leaseMs: 10_000 }),
    ).toThrow(/too short/);
  });
});

describe('Limiter', () => {
  it('runs at most `size` functions at once', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});

describe('notify-worker handler', () => {
  const store = {
    getBatchState: vi.fn(async () => {
      throw new Error('DynamoDB unavailable');
    }),
  } as unknown as NotificationStore;
  const handler = createNotifyWorkerHandler({
    notifications: store,
    customers: { getMany: async () => [], get: async () => null },
    suppressions: { suppressedAmong: async () => new Set<string>(), get: async () => null },
    mailer: { send: async () => ({ messageId: 'm' }) },
    pacer: unpaced,
    ...contentClockIds(),
    config: { ...DEFAULT_WORKER_CONFIG, from: 'a@b.example' },
    limiter: new Limiter(2),
    unrecorded: new Map(),
  });
  const record = (messageId: string, body: string) =>
    ({ messageId, body, attributes: { ApproximateReceiveCount: '1' } }) as SQSEvent['Records'][number];

  it('reports each failing message by id, malformed ones included', async () => {
    const good = JSON.stringify(planBatches('privacy', 2, 0, ['u1'])[0]);
    const out = await handler({ Records: [record('m1', 'not json'), record('m2', good)] });
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm2']);
    expect(store.getBatchState).toHaveBeenCalledTimes(1);
  });

  describe("a dry run's test email (kind 'test')", () => {
    const testMessage = (over: Record<string, unknown> = {}) =>
      JSON.stringify({
        kind: 'test',
        id: 'test-1',
        to: 'legal@example.org',
        subject: 'Privacy policy updated',
        text: 'What changed',
        html: '<p>What changed</p>',
        ...over,
      });
    const setup = (send: (email: OutgoingEmail) => Promise<{ messageId: string }>) => {
      const sent: OutgoingEmail[] = [];
      const notifications = new Proxy({} as NotificationStore, {
        get: (_t, name) => {
          throw new Error(`a test email touched the notification store (${String(name)})`);
        },
      });
      const quotaSent = vi.fn();
      const handler = createNotifyWorkerHandler({
        notifications,
        customers: { getMany: async () => [], get: async () => null },
        suppressions: { suppressedAmong: async () => new Set<string>(), get: async () => null },
        mailer: {
          send: async (email) => {
            sent.push(email);
            return send(email);
          },
        },
        pacer: unpaced,
        quota: { sent: quotaSent, refresh: async () => ({ rate: 14, remaining: 100 }) },
        ...contentClockIds(),
        config: { ...DEFAULT_WORKER_CONFIG, from: '"X" <privacy@x.example>' },
        limiter: new Limiter(2),
        unrecorded: new Map(),
      });
      return { handler, sent, quotaSent };
    };

    it('sends it with the sender, tagged as a test, and touches no ledger or campaign', async () => {
      const { handler, sent, quotaSent } = setup(async () => ({ messageId: 'ses-1' }));
      const out = await handler({ Records: [record('m1', testMessage())] });
      expect(out.batchItemFailures).toEqual([]);
      expect(sent).toEqual([
        {
          from: '"X" <privacy@x.example>',
          to: 'legal@example.org',
          subject: 'Privacy policy updated',
          text: 'What changed',
          html: '<p>What changed</p>',
          tags: { kind: 'test', testId: 'test-1' },
        },
      ]);
      expect(quotaSent).toHaveBeenCalledTimes(1);
    });

    it('retries a transient failure, drops a rejected one, refuses a bad address or a malformed message', async () => {
      const transient = setup(async () => {
        throw new MailSendError('transient', 'ServiceUnavailable', 'try later');
      });
      expect((await transient.handler({ Records: [record('m1', testMessage())] })).batchItemFailures).toEqual(
        [{ itemIdentifier: 'm1' }],
      );
      const rejected = setup(async () => {
        throw new MailSendError('rejected', 'MessageRejected', 'no');
      });
      expect((await rejected.handler({ Records: [record('m1', testMessage())] })).batchItemFailures).toEqual(
        [],
      );
      const ok = setup(async () => ({ messageId: 'ses-1' }));
      const out = await ok.handler({
        Records: [
          record('bad-address', testMessage({ to: 'a@example.org\r\nBcc: x@y.z' })),
          record('extra-field', testMessage({ policyId: 'privacy' })),
          record('no-subject', testMessage({ subject: '' })),
        ],
      });
      // A bad address is dropped (never sent, nothing to retry); a malformed message is reported.
      expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
        'extra-field',
        'no-subject',
      ]);
      expect(ok.sent).toEqual([]);
    });
  });
});

describe('ses-events handler', () => {
  const sns = (...messages: unknown[]): SNSEvent =>
    ({
      Records: messages.map((m, i) => ({
        Sns: { MessageId: `n${i}`, Message: typeof m === 'string' ? m : JSON.stringify(m) },
      })),
    }) as unknown as SNSEvent;

  const setup = () => {
    const suppressByEmail = vi.fn(async (email: string) => (email === 'lan@example.vn' ? 1 : 0));
    const put = vi.fn(async (_s: Suppression) => {});
    const handler = createSesEventsHandler({
      customers: { suppressByEmail },
      suppressions: { put },
      notifications: { recordDelivery: async () => true },
      clock: { now: () => new Date(0) },
      logger: quiet,
    });
    return { suppressByEmail, put, handler };
  };

  it('suppresses permanent bounces (event publishing and feedback notifications)', async () => {
    const { suppressByEmail, handler } = setup();
    const out = await handler(
      sns(
        {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: 'lan@example.vn' }],
          },
        },
        {
          notificationType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bouncedRecipients: [{ emailAddress: '"Lan" <lan@example.vn>' }],
          },
        },
      ),
    );
    expect(out.suppressed).toBe(2);
    expect(suppressByEmail).toHaveBeenCalledWith(
      'lan@example.vn',
      'bounce:General',
      '1970-01-01T00:00:00.000Z',
    );
  });

  it('suppresses complaints, retrying the address in lower case', async () => {
    const { suppressByEmail, put, handler } = setup();
    const out = await handler(
      sns({
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: 'Lan@Example.VN' }],
          complaintFeedbackType: 'abuse',
        },
      }),
    );
    expect(out.suppressed).toBe(1);
    expect(suppressByEmail.mock.calls.map((c) => c[0])).toEqual(['Lan@Example.VN', 'lan@example.vn']);
    // The list is keyed by the normalised address's hash, never the address.
    expect(put).toHaveBeenCalledWith({
      hash: addressHash('lan@example.vn'),
      reason: 'complaint:abuse',
      at: '1970-01-01T00:00:00.000Z',
    });
    expect(addressHash(' Lan@Example.VN ')).toBe(addressHash('lan@example.vn'));
    expect(JSON.stringify(put.mock.calls)).not.toMatch(/@/);
  });

  it('ignores transient bounces, deliveries and messages that are not JSON', async () => {
    const { suppressByEmail, put, handler } = setup();
    const out = await handler(
      sns(
        {
          eventType: 'Bounce',
          bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'lan@example.vn' }] },
        },
        { eventType: 'Delivery', delivery: {} },
        'not json {',
      ),
    );
    expect(out.suppressed).toBe(0);
    expect(suppressByEmail).not.toHaveBeenCalled();
    expect(put).not.toHaveBeenCalled();
  });
});
