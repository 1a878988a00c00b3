/**
 * The whole notification path against the emulators: the local runtime (dynalite in memory, the SES
 * emulator on a free port, in-process queues) publishes a notified revision to 200 customers in three
 * languages, some deleted and some suppressed, and the SES emulator's store is the proof.
 */
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { changedSectionTitles, diffPolicyTexts } from '../../functions/domain/diff/index';
import { edit, fixtureEn, fixtureVi, fixtureViRevised } from '../support/fixtures';
import { call, dumpTables, startTestService, TOKENS } from '../support/service';

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

const DOMAIN = 'notify-it.example';
const LOCALES = ['vi', 'en', 'ja'] as const;
const jaV1 =
  '個人情報保護方針\n\n1. 取得する情報\n\n当社は以下の情報を取得します。\n\n2. 利用目的\n\n当社はサービスの提供に利用します。\n';
const jaV2 = jaV1.replace('サービスの提供に利用します。', 'サービスの提供および改善に利用します。');
const enV2 = edit(
  fixtureEn,
  'and the screens you open,',
  'the screens you open and the crash reports of the app,',
);
const summary = {
  vi: 'Chúng tôi làm rõ nghĩa vụ bảo mật của nhà cung cấp dịch vụ.',
  en: 'We now also record the crash reports of the app.',
  ja: '利用目的に「改善」を追加しました。',
};

const customers = Array.from({ length: 200 }, (_, i) => {
  const userId = `c${String(i).padStart(3, '0')}`;
  const fate = i % 20 === 1 ? 'deleted' : i % 20 === 2 ? 'bounced' : i % 20 === 3 ? 'complained' : 'active';
  return {
    userId,
    email: `${userId}@${DOMAIN}`,
    locale: LOCALES[i % 3]!,
    name: i % 7 === 0 ? `<script>alert("${i}")</script> Nguyễn` : `Khách ${i}`,
    fate,
  };
});

const bySubject = {
  vi: /^\[Quan trọng\] .*phiên bản 2\)$/,
  en: /^Important: .*\(version 2\)$/,
  ja: /^【重要】.*（第2版）$/,
};

describe('change notification against the SES emulator', () => {
  let service: LocalService;
  let emails: StoredEmail[];
  const publisher = { token: TOKENS.publisher };

  beforeAll(async () => {
    service = await startTestService({
      sesMaxSendRate: 2_000,
      sesFromAddress: 'privacy@saomai.example',
      publicBaseUrl: 'https://policies.saomai.example',
      orgContact: {
        name: 'Sao Mai Digital Co., Ltd.',
        phone: '+84 28 0000 0000',
        email: 'dpo@saomai.example',
      },
      // Small pages so the fan-out takes several steps and pages end mid-batch.
      notifications: { sweepIntervalMs: 0, pageSize: 64 },
    });
    await fetch(`${service.sesEndpoint}/clear-store`, { method: 'POST' });

    const v1 = await call(service, 'POST', '/policies/privacy/revisions', {
      ...publisher,
      body: { texts: { vi: fixtureVi, en: fixtureEn, ja: jaV1 }, change: 'material', notify: false },
    });
    expect(v1.status).toBe(201);
    for (let i = 0; i < customers.length; i += 20) {
      const puts = customers.slice(i, i + 20).map((c) =>
        call(service, 'PUT', `/customers/${c.userId}`, {
          token: TOKENS.app,
          body: { email: c.email, locale: c.locale, name: c.name },
        }),
      );
      for (const put of await Promise.all(puts)) expect(put.status).toBe(201);
    }
    for (const c of customers.filter((c) => c.fate === 'deleted'))
      expect((await call(service, 'DELETE', `/customers/${c.userId}`, { token: TOKENS.app })).status).toBe(
        204,
      );
    const sesEvent = (c: (typeof customers)[number]) =>
      c.fate === 'bounced'
        ? {
            eventType: 'Bounce',
            bounce: {
              bounceType: 'Permanent',
              bounceSubType: 'General',
              bouncedRecipients: [{ emailAddress: c.email }],
            },
          }
        : { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: c.email }] } };
    const sns = {
      Records: [
        ...customers.filter((c) => c.fate === 'bounced' || c.fate === 'complained').map(sesEvent),
        // A transient bounce suppresses nobody.
        {
          eventType: 'Bounce',
          bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: `c000@${DOMAIN}` }] },
        },
      ].map((m, i) => ({ Sns: { MessageId: `n${i}`, Message: JSON.stringify(m) } })),
    } as unknown as SNSEvent;
    expect((await service.notifications.sesEvents(sns)).suppressed).toBe(20);

    const v2 = await call(service, 'POST', '/policies/privacy/revisions', {
      ...publisher,
      body: { texts: { vi: fixtureViRevised, en: enV2, ja: jaV2 }, change: 'material', summary },
    });
    expect(v2.status).toBe(201);
    expect(v2.json.notify).toBe(true);
    await service.notifications.drain(30_000);

    const store = (await (await fetch(`${service.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
    emails = store.emails.filter((e) => e.destination.to.some((to) => to.endsWith(`@${DOMAIN}`)));
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('emails every active customer exactly once and nobody else', () => {
    const received = new Map<string, number>();
    for (const e of emails) for (const to of e.destination.to) received.set(to, (received.get(to) ?? 0) + 1);
    const active = customers.filter((c) => c.fate === 'active');
    expect(active).toHaveLength(170);
    for (const c of active) expect(received.get(c.email), c.userId).toBe(1);
    for (const c of customers.filter((c) => c.fate !== 'active'))
      expect(received.has(c.email), c.userId).toBe(false);
    expect(emails).toHaveLength(170);
    expect(new Set(emails.map((e) => e.messageId)).size).toBe(170);
  });

  it('writes each customer in their language, with the summary, changed sections, links and contact block', () => {
    const titles = {
      vi: changedSectionTitles(diffPolicyTexts(fixtureVi, fixtureViRevised)),
      en: changedSectionTitles(diffPolicyTexts(fixtureEn, enV2)),
      ja: changedSectionTitles(diffPolicyTexts(jaV1, jaV2)),
    };
    for (const c of customers.filter((c) => c.fate === 'active')) {
      const email = emails.find((e) => e.destination.to.includes(c.email))!;
      expect(email.from).toBe('"Sao Mai Digital Co., Ltd." <privacy@saomai.example>');
      expect(email.subject, c.userId).toMatch(bySubject[c.locale]);
      const text = email.body.text!;
      expect(text).toContain(summary[c.locale]);
      for (const title of titles[c.locale]) expect(text).toContain(`- ${title}`);
      expect(text).toContain('https://policies.saomai.example/p/privacy/changes?from=1&to=2');
      expect(text).toContain('https://policies.saomai.example/p/privacy/v/2');
      expect(text).toContain('Sao Mai Digital Co., Ltd.');
      expect(text).toContain('dpo@saomai.example');
      expect(email.body.html).toContain(`<html lang="${c.locale}">`);
      expect(email.body.html).not.toContain('<script>');
    }
    expect(titles.vi).toEqual(['Nhà cung cấp dịch vụ']);
    expect(titles.en).toEqual(['Data collected automatically']);
  });

  it('composes each locale’s content once, not once per recipient', () => {
    expect(service.notifications.worker.content.composed).toBe(3);
  });

  it('reports the finished campaign with counts that add up', async () => {
    const res = await call(service, 'GET', '/policies/privacy/revisions/2/notification', publisher);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      status: 'completed',
      total: 170,
      sent: 170,
      failed: 0,
      suppressed: 0,
      estimatedCompletion: null,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(res.json.completedAt >= res.json.startedAt).toBe(true);
  });

  it('answers not_requested for a revision published without notify, 404 for unknown ones, and only to publishers', async () => {
    expect(
      (await call(service, 'GET', '/policies/privacy/revisions/1/notification', publisher)).json,
    ).toMatchObject({
      status: 'not_requested',
      total: 0,
    });
    expect((await call(service, 'GET', '/policies/privacy/revisions/3/notification', publisher)).status).toBe(
      404,
    );
    expect((await call(service, 'GET', '/policies/nope/revisions/1/notification', publisher)).status).toBe(
      404,
    );
    expect((await call(service, 'GET', '/policies/privacy/revisions/x/notification', publisher)).status).toBe(
      400,
    );
    expect(
      (await call(service, 'GET', '/policies/privacy/revisions/2/notification', { token: TOKENS.app }))
        .status,
    ).toBe(403);
    expect((await call(service, 'GET', '/policies/privacy/revisions/2/notification')).status).toBe(401);
  });

  it('keeps a ledger entry per recipient, indexed by user, and no email address anywhere', async () => {
    const { notifications } = await dumpTables(service);
    const ledger = (notifications as Record<string, { S?: string; N?: string }>[]).filter((i) =>
      i.sk?.S?.startsWith('RCPT#'),
    );
    expect(ledger).toHaveLength(170);
    for (const item of ledger) {
      expect(item.state?.S).toBe('sent');
      expect(item.messageId?.S).toBeTruthy();
      expect(item.gsi1pk?.S).toBe(`USER#${item.userId?.S}`);
      expect(item.gsi1sk?.S).toMatch(/^\d{4}-.*#privacy#0000000002$/);
    }
    expect(JSON.stringify(notifications)).not.toContain(`@${DOMAIN}`);
  });

  it('does not email anyone again when the sweeper runs after the campaign', async () => {
    const report = await service.notifications.sweep();
    expect(report).toMatchObject({ started: 0, restarted: 0 });
    await service.notifications.drain();
    const store = (await (await fetch(`${service.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
    expect(store.emails.filter((e) => e.destination.to[0]!.endsWith(`@${DOMAIN}`))).toHaveLength(170);
  });
});
