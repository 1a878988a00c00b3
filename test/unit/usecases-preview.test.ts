/**
 * A dry run's preview (functions/usecases/preview.ts) on in-memory ports: one email per reader language
 * (the revision's locales and every registered locale as the worker frames it), built over a store view
 * that also serves the unstored revision; the test send's checks and queue message; the test-send limit.
 */
import { describe, expect, it, vi } from 'vitest';
import { groupRecipients, registeredLocale } from '../../functions/domain/audience';
import { DomainError } from '../../functions/domain/errors';
import { prepareRevision } from '../../functions/domain/prepare-revision';
import type { Revision } from '../../functions/domain/revision';
import type { AudienceCounts, QueueMessage } from '../../functions/ports';
import {
  type Preview,
  previewPublish,
  queueTestEmail,
  TestSendLimiter,
} from '../../functions/usecases/preview';
import { revisionChanges } from '../../functions/usecases/revision-changes';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const config = {
  publicBaseUrl: 'https://policies.example.com',
  org: { name: 'Example Co.', phone: null, email: 'dpo@example.com' },
};

const v1Texts = { en: '# Data we keep\n\nYour email address.\n\n# Contact\n\nWrite to us.\n' };
const v2Texts = {
  en: '# Data we keep\n\nYour email address and your language.\n\n# Contact\n\nWrite to us.\n',
  vi: '# Dữ liệu\n\nĐịa chỉ email.\n',
};

function setup(audience: AudienceCounts) {
  const v1 = prepareRevision({
    policyId: 'privacy',
    input: { texts: v1Texts, change: 'material', format: 'markdown' },
    latest: null,
    now: NOW,
  });
  const texts = new Map(Object.entries(v1.texts).map(([l, t]) => [v1.revision.contentHashes[l]!, t]));
  const stored: Revision[] = [v1.revision];
  const getText = vi.fn(async (policyId: string, hash: string) =>
    policyId === 'privacy' ? (texts.get(hash) ?? null) : null,
  );
  const policies = {
    getRevision: vi.fn(async (policyId: string, version: number) =>
      policyId === 'privacy' ? (stored[version - 1] ?? null) : null,
    ),
    getChanges: vi.fn(async () => null),
  };
  const v2 = prepareRevision({
    policyId: 'privacy',
    input: {
      texts: v2Texts,
      change: 'material',
      format: 'markdown',
      summary: { en: 'We keep your language.' },
    },
    latest: v1.revision,
    now: NOW,
  });
  const deps = { policies, counts: { audience: async () => audience }, notice: config };
  return { deps, policies, v1, v2, texts, getText };
}

describe('previewPublish', () => {
  it('renders one nameless email per revision locale and per registered reader language, with the counts', async () => {
    const { deps, policies, v2, v1, getText } = setup({
      active: 10,
      byLocale: { ja: 3, fr: 2, '-': 1, en: 4, de: 0 },
      suppressed: 2,
    });
    // What the dry run's diff found (as publishing would store it).
    const changed = await revisionChanges({ getText }, v1.revision, v2.revision, v2.texts);
    const preview = await previewPublish(deps, v2.revision, changed);
    // fr has no email template: those readers get the English email; ja readers get a Japanese frame
    // around the English text (the revision has no ja text).
    expect(preview.recipients).toEqual({ total: 10, byLocale: { ja: 3, en: 7 }, suppressed: 2 });
    expect(Object.keys(preview.emails)).toEqual(['en', 'vi', 'ja']);
    const { en, vi: viEmail, ja } = preview.emails as Record<string, Preview['emails'][string]>;
    expect(en!.html).toContain('<html lang="en">');
    expect(en!.text).toContain('We keep your language.');
    // The changed section comes from diffing the unstored text against the stored v1.
    expect(en!.text).toContain('Sections changed:\n- Data we keep\n\n');
    expect(en!.html).toContain(`#${changed.en!.anchor}`);
    expect(viEmail!.html).toContain('<html lang="vi">');
    expect(viEmail!.text).toContain('\n- Dữ liệu\n\n');
    expect(ja!.subject).not.toBe(en!.subject);
    expect(ja!.text).toContain('\n- Data we keep\n\n');
    // Nothing was asked of the store: the unstored revision and what it changed come with the call.
    expect(policies.getRevision).not.toHaveBeenCalled();
    expect(policies.getChanges).not.toHaveBeenCalled();
    for (const email of Object.values(preview.emails)) expect(email.text).not.toMatch(/undefined|null/);
  });

  it('takes the changed sections from the dry run’s diff, listing none for a locale it has none for', async () => {
    const { deps, policies, v2 } = setup({ active: 0, byLocale: {}, suppressed: 0 });
    const preview = await previewPublish(deps, v2.revision, {
      en: { titles: ['A section the dry run found'], more: 2, anchor: 's-a-section' },
    });
    expect(Object.keys(preview.emails)).toEqual(['en', 'vi']);
    expect(preview.recipients).toEqual({ total: 0, byLocale: {}, suppressed: 0 });
    expect(preview.emails.en!.text).toContain('A section the dry run found');
    expect(preview.emails.en!.html).toContain('#s-a-section');
    expect(preview.emails.en!.text).toContain(
      'Sections changed:\n- A section the dry run found\n… and 2 more\n\n',
    );
    expect(preview.emails.vi!.text).not.toContain('\n- Dữ liệu');
    expect(preview.emails.vi!.html).not.toContain('#s-');
    expect(policies.getRevision).not.toHaveBeenCalled();
    expect(policies.getChanges).not.toHaveBeenCalled();
  });
});

describe('groupRecipients', () => {
  it('groups registered locales into email languages, leaving out empty counters', () => {
    const revision = { locales: ['en', 'vi'], defaultLocale: 'vi' };
    expect(registeredLocale('-')).toBeNull();
    expect(registeredLocale('ja')).toBe('ja');
    expect(groupRecipients(revision, { active: 0, byLocale: { de: 0, en: -1 }, suppressed: 0 })).toEqual({
      total: 0,
      byLocale: {},
      suppressed: 0,
    });
    expect(
      groupRecipients(revision, {
        active: 9,
        byLocale: { '-': 2, 'en-GB': 3, fr: 1, ja: 1, vi: 2 },
        suppressed: 4,
      }),
    ).toEqual({ total: 9, byLocale: { vi: 5, 'en-GB': 3, ja: 1 }, suppressed: 4 });
  });
});

describe('queueTestEmail', () => {
  const preview: Preview = {
    emails: {
      en: { subject: 'Privacy changes', text: 'Hello', html: '<p>Hello</p>' },
      vi: { subject: 'Thay đổi', text: 'Xin chào', html: '<p>Xin chào</p>' },
    },
    recipients: { total: 0, byLocale: {}, suppressed: 0 },
  };
  const sendOf = () => {
    const batches: QueueMessage[][] = [];
    let n = 0;
    return {
      batches,
      send: {
        sendQueue: { sendBatch: async (m: QueueMessage[]) => void batches.push(m) },
        ids: { next: () => `test-${++n}` },
      },
    };
  };

  it('queues the email of the language asked for, addressed to the one recipient', async () => {
    const { batches, send } = sendOf();
    expect(await queueTestEmail(send, preview, 'me@example.com', 'vi')).toEqual({
      to: 'me@example.com',
      locale: 'vi',
      messageId: 'test-1',
      status: 'queued',
    });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1);
    expect(batches[0]![0]!.id).toBe('test');
    expect(JSON.parse(batches[0]![0]!.body)).toEqual({
      kind: 'test',
      id: 'test-1',
      to: 'me@example.com',
      subject: 'Thay đổi',
      text: 'Xin chào',
      html: '<p>Xin chào</p>',
    });
  });

  it('falls back to the first language for one the preview does not have', async () => {
    const { batches, send } = sendOf();
    const queued = await queueTestEmail(send, preview, 'me@example.com', 'fr');
    expect(queued.locale).toBe('en');
    expect(JSON.parse(batches[0]![0]!.body).subject).toBe('Privacy changes');
  });

  async function refusal(p: Promise<unknown>) {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(DomainError);
    return {
      code: (e as DomainError).code,
      message: (e as DomainError).message,
      details: (e as DomainError).details,
    };
  }

  it('refuses an address that is not one, and an email too large for the send queue, queueing nothing', async () => {
    const { batches, send } = sendOf();
    expect(await refusal(queueTestEmail(send, preview, 'not an address', 'en'))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'testRecipient must be an email address',
      details: [{ path: 'testRecipient', message: 'must be an email address' }],
    });
    const huge: Preview = { ...preview, emails: { en: { ...preview.emails.en!, html: 'x'.repeat(80_001) } } };
    expect(await refusal(queueTestEmail(send, huge, 'me@example.com', 'en'))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the test email is too large to send',
      details: [{ path: 'testRecipient', message: 'the email is too large to send' }],
    });
    const fits: Preview = { ...preview, emails: { en: { ...preview.emails.en!, html: 'x'.repeat(80_000) } } };
    await queueTestEmail(send, fits, 'me@example.com', 'en');
    expect(batches).toHaveLength(1);
  });
});

describe('TestSendLimiter', () => {
  it('lets `max` sends through per sliding window', () => {
    const limiter = new TestSendLimiter(2, 1000);
    expect([limiter.take(0), limiter.take(10), limiter.take(20), limiter.take(999)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    // At 1000 the send at 0 has left the window (the one at 10 has not); refusals do not count.
    expect(limiter.take(1000)).toBe(true);
    expect(limiter.take(1009)).toBe(false);
    expect(limiter.take(1010)).toBe(true);
  });

  it('defaults to 5 a minute', () => {
    const limiter = new TestSendLimiter();
    const at = (ms: number) => limiter.take(ms);
    expect([0, 1, 2, 3, 4, 5].map(at)).toEqual([true, true, true, true, true, false]);
    expect(at(59_999)).toBe(false);
    expect(at(60_000)).toBe(true);
    expect(at(60_001)).toBe(true);
    expect(at(60_002)).toBe(true);
  });
});
