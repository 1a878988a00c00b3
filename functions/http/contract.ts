/**
 * What each operation of the route table takes and answers, as zod schemas: the source of the OpenAPI
 * document (functions/http/openapi.ts → docs/openapi.json) and of the typed client's types (client/).
 * Paths, methods and roles live in the route table only; this module adds, per operation name, the
 * request body and query (the handlers' own schemas), the success responses, the error codes beyond those
 * every route of its kind can answer, and examples.
 *
 * Adding a route: add it to routes.ts, then its entry here (`contract` is checked to cover every
 * operation, by the compiler and by test/unit/openapi.test.ts). Nothing else.
 *
 * Build time and tests only: the Lambda bundles import neither this module nor the generator; the read
 * function serves the generated document (docs/openapi.json).
 */
import type { PolicyDiff } from '../domain/diff';
import type { BoundedDiff } from '../domain/diff/bound';
import type { ErrorCode } from '../domain/errors';
import { LOCALE, POLICY_ID, USER_ID } from '../domain/ids';
import type { NotificationProgress } from '../domain/notification';
import type { Revision } from '../domain/revision';
import * as z from '../domain/schema';
import { matching } from '../domain/schema';
import type { AcknowledgmentStatus, PolicyView } from '../domain/status-rules';
import { acknowledgeSchema } from '../handlers/acknowledgments';
import { exportLimit, receiptFormat } from '../handlers/compliance';
import { customerSchema } from '../handlers/customers';
import {
  publishSchema,
  retrySchema,
  settingsSchema,
  suppressionHash,
  suppressionLimit,
} from '../handlers/publish';
import { formatSchema, limitSchema, offsetSchema } from '../handlers/read';
import type { Acknowledgment, Customer, Notice, Suppression } from '../ports';
import type { OperationName } from './routes';

// --- shared response schemas (named: they become components of the document) ---

const int = z.int;
const timestamp = z.iso.datetime();
const sha256 = matching(/^sha256:[0-9a-f]{64}$/);
const locale = matching(LOCALE);
const policyId = matching(POLICY_ID);
const userId = matching(USER_ID);
const version = z.int().check(z.minimum(1));
const upcoming = z.nullable(z.strictObject({ version, effectiveAt: timestamp }));

const revisionShape = {
  policyId,
  version,
  change: z.enum(['material', 'minor']),
  format: z.enum(['markdown', 'text']),
  publishedAt: timestamp,
  effectiveAt: timestamp,
  defaultLocale: locale,
  locales: z.array(locale),
  contentHashes: z.record(z.string(), sha256),
  hash: sha256,
  previousHash: z.nullable(sha256),
  summary: z.record(z.string(), z.string()),
  titles: z.record(z.string(), z.string()),
  notify: z.boolean(),
};
export const revisionSchema = z.strictObject(revisionShape);

export const retryResultSchema = z.strictObject({
  requeued: z.int().check(z.minimum(0)),
  skipped: z.strictObject({
    permanent: z.int().check(z.minimum(0)),
    inProgress: z.int().check(z.minimum(0)),
  }),
  status: z.enum(['pending', 'sending', 'completed']),
});

export const policyViewSchema = z.strictObject({
  policyId,
  defaultLocale: locale,
  locales: z.array(locale),
  currentVersion: z.nullable(version),
  latestVersion: version,
  upcoming,
  titles: z.record(z.string(), z.string()),
});

const diffOp = z.strictObject({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() });
const offsetQuery = {
  description: 'index of the first section shown, for the next window of a truncated diff (default 0)',
  schema: offsetSchema,
};
const sectionShape = {
  key: z.string(),
  oldKey: z.optional(z.string()),
  title: z.string(),
  status: z.enum(['added', 'removed', 'modified', 'unchanged']),
  formattingChanged: z.optional(z.literal(true)),
  changes: z.optional(z.array(diffOp)),
};
const diffShape = {
  stats: z.strictObject({
    linesAdded: int(),
    linesRemoved: int(),
    sectionsChanged: int(),
    formattingOnly: z.optional(z.literal(true)),
  }),
  sections: z.array(z.strictObject(sectionShape)),
};
export const policyDiffSchema = z.strictObject(diffShape);

const statusCounts = z.strictObject({ added: int(), removed: int(), modified: int(), unchanged: int() });
/** A diff as answers carry it: a window of its sections (functions/domain/diff/bound.ts). */
const boundedDiffShape = {
  stats: diffShape.stats,
  sections: z.array(z.strictObject({ ...sectionShape, truncated: z.optional(z.literal(true)) })),
  truncated: z.boolean(),
  window: z.strictObject({
    offset: int(),
    shown: int(),
    total: int(),
    nextOffset: z.nullable(int()),
    omitted: statusCounts,
    cutSections: z.array(z.string()),
  }),
};
export const boundedDiffSchema = z.strictObject(boundedDiffShape);

export const customerRecordSchema = z.strictObject({
  userId,
  email: z.string(),
  locale: z.nullable(locale),
  name: z.nullable(z.string()),
  timeZone: z.nullable(z.string()),
  status: z.enum(['active', 'suppressed']),
  suppressedReason: z.optional(z.string()),
  registeredAt: timestamp,
  updatedAt: timestamp,
});

const acknowledgmentShape = {
  userId,
  policyId,
  version,
  locale,
  contentHash: sha256,
  acknowledgedAt: timestamp,
  channel: z.string(),
  evidence: z.record(z.string(), z.string()),
  receiptId: z.string(),
};
export const acknowledgmentSchema = z.strictObject(acknowledgmentShape);

export const statusSchema = z.strictObject({
  userId,
  policyId,
  mustAcknowledge: z.boolean(),
  reason: z.enum(['NEVER_ACKNOWLEDGED', 'MATERIAL_CHANGE', 'UP_TO_DATE', 'NOTHING_IN_EFFECT']),
  currentVersion: z.nullable(version),
  requiredVersion: z.nullable(version),
  acknowledgedVersion: z.nullable(version),
  acknowledgedAt: z.nullable(timestamp),
  upcoming,
});

export const notificationProgressSchema = z.strictObject({
  status: z.enum(['pending', 'sending', 'completed', 'not_requested']),
  total: int(),
  sent: int(),
  failed: int(),
  suppressed: int(),
  startedAt: z.nullable(timestamp),
  completedAt: z.nullable(timestamp),
  estimatedCompletion: z.nullable(timestamp),
});

export const policySettingsSchema = z.strictObject({
  policyId,
  noticePeriodDays: int().check(z.minimum(0), z.maximum(365)),
  updatedAt: z.nullable(timestamp),
});

export const suppressionSchema = z.strictObject({ hash: z.string(), reason: z.string(), at: timestamp });

const noticeShape = {
  policyId,
  version,
  state: z.enum(['sent', 'failed', 'suppressed']),
  at: timestamp,
  messageId: z.optional(z.string()),
  sentAt: z.optional(timestamp),
  deliveredAt: z.optional(timestamp),
  reason: z.optional(z.string()),
};
const change = z.enum(['material', 'minor']);
const timelineEvent = z.discriminatedUnion('type', [
  z.strictObject({
    at: timestamp,
    type: z.literal('revision_published'),
    policyId,
    version,
    change,
    effectiveAt: timestamp,
  }),
  z.strictObject({ at: timestamp, type: z.literal('revision_effective'), policyId, version, change }),
  z.strictObject({ type: z.literal('notice'), ...noticeShape }),
  z.strictObject({
    at: timestamp,
    type: z.literal('notice_delivered'),
    policyId,
    version,
    messageId: z.optional(z.string()),
  }),
  z.strictObject({ type: z.literal('acknowledgment'), at: timestamp, ...acknowledgmentShape }),
]);

export const errorDetailSchema = z.strictObject({ path: z.string(), message: z.string() });

/** The error body every JSON route answers with, its `code` restricted to the given values. */
export const errorBody = <C extends string>(codes: readonly [C, ...C[]]) =>
  z.strictObject({
    error: z.strictObject({ code: z.enum(codes), message: z.string(), details: z.array(errorDetailSchema) }),
  });

/** Named schemas: each becomes `#/components/schemas/<name>` and is referenced wherever it is used. */
export const namedSchemas = {
  Timestamp: timestamp,
  Revision: revisionSchema,
  Policy: policyViewSchema,
  PolicyDiff: policyDiffSchema,
  Customer: customerRecordSchema,
  Acknowledgment: acknowledgmentSchema,
  AcknowledgmentStatus: statusSchema,
  NotificationProgress: notificationProgressSchema,
  TimelineEvent: timelineEvent,
  ErrorDetail: errorDetailSchema,
} as const;

// The schemas describe the domain's own types: a field added to one and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const described = <T extends true>(_: T) => _;
described<Same<z.infer<typeof revisionSchema>, Revision>>(true);
described<Same<z.infer<typeof policyViewSchema>, PolicyView>>(true);
described<Same<z.infer<typeof policyDiffSchema>, PolicyDiff>>(true);
described<Same<z.infer<typeof boundedDiffSchema>, BoundedDiff>>(true);
described<Same<z.infer<typeof customerRecordSchema>, Customer>>(true);
described<Same<z.infer<typeof acknowledgmentSchema>, Acknowledgment>>(true);
described<Same<z.infer<typeof statusSchema>, AcknowledgmentStatus>>(true);
described<Same<z.infer<typeof notificationProgressSchema>, NotificationProgress>>(true);
described<Same<z.infer<z.ZodMiniType<z.infer<typeof timelineEvent>>>, z.infer<typeof timelineEvent>>>(true);
described<Same<z.infer<z.ZodMiniObject<typeof noticeShape>>, Notice>>(true);
described<Same<z.infer<typeof suppressionSchema>, Suppression>>(true);

// --- per-operation contracts ---

/** A JSON response; `example` is checked against `schema` by test/unit/openapi.test.ts. */
export interface JsonResponse<S extends z.ZodMiniType = z.ZodMiniType> {
  description: string;
  schema: S;
  example?: z.infer<S>;
}
/** A non-JSON response (HTML pages, the Atom feed, the unified diff, the console script). */
export interface TextResponse {
  description: string;
  /** Content types this status may answer with, besides a JSON schema when there is one. */
  text: readonly string[];
}
export type SuccessResponse = JsonResponse | TextResponse | (JsonResponse & { text: readonly string[] });

export interface QueryParameter {
  description: string;
  schema: z.ZodMiniType;
}

export interface OperationContract {
  summary: string;
  /** The request body schema (POST and PUT): the handler's own. */
  body?: z.ZodMiniType;
  bodyExample?: unknown;
  query?: Record<string, QueryParameter>;
  /** Path parameters whose schema differs from the shared ones (`pathParameters`). */
  params?: Record<string, z.ZodMiniType>;
  /** Success statuses (and 204 with no body: `{ description }` and empty `text`). */
  responses: Record<number, SuccessResponse>;
  /**
   * Error codes this operation answers besides those every route of its kind can (functions/http/openapi.ts
   * `routeErrorCodes`: bad input, not found, authentication, body limits, INTERNAL_ERROR).
   */
  errors?: readonly ErrorCode[];
}

export const pathParameters: Record<string, z.ZodMiniType> = {
  policyId,
  userId,
  version: matching(/^[1-9][0-9]{0,9}$/),
};

const json = <S extends z.ZodMiniType>(description: string, schema: S, example?: z.infer<S>) =>
  example === undefined ? { description, schema } : { description, schema, example };
const text = (description: string, ...types: string[]): TextResponse => ({ description, text: types });

const localeQuery = {
  description: 'the language (BCP 47); falls back to the default locale',
  schema: locale,
};
const cursorQuery = {
  description: 'the `nextCursor` of the previous page (opaque)',
  schema: z.string(),
};

// Examples: the README tour's data (user-42 and the Vietnamese privacy policy).
const tourRevision = {
  policyId: 'privacy',
  version: 1,
  change: 'material',
  format: 'text',
  publishedAt: '2026-12-01T03:00:00.000Z',
  effectiveAt: '2026-12-01T03:00:00.000Z',
  defaultLocale: 'vi',
  locales: ['vi'],
  contentHashes: { vi: `sha256:${'3f'.repeat(32)}` },
  hash: `sha256:${'9c'.repeat(32)}`,
  previousHash: null,
  summary: { vi: 'Phiên bản đầu tiên' },
  titles: { vi: 'Chính sách quyền riêng tư' },
  notify: true,
} satisfies Revision;
const tourAck = {
  userId: 'user-42',
  policyId: 'privacy',
  version: 1,
  locale: 'vi',
  contentHash: tourRevision.contentHashes.vi,
  acknowledgedAt: '2026-12-01T03:05:00.000Z',
  channel: 'web',
  evidence: { ip: '203.0.113.7' },
  receiptId: 'rcpt_5b2e0c1d8a',
} satisfies Acknowledgment;

export const contract = {
  health: {
    summary: 'Liveness check',
    responses: { 200: json('the service answers', z.strictObject({ status: z.literal('ok') })) },
  },
  openapi: {
    summary: 'This OpenAPI document',
    responses: {
      200: json(
        'the OpenAPI 3.1 document of this API',
        z.looseObject({ openapi: z.string(), info: z.looseObject({ version: z.string() }) }),
      ),
    },
  },
  listPolicies: {
    summary: 'Every policy, sorted by policyId',
    responses: { 200: json('the policies', z.strictObject({ policies: z.array(policyViewSchema) })) },
  },
  getPolicy: {
    summary: 'A policy: current and latest version, upcoming change',
    responses: {
      200: json('the policy', policyViewSchema, {
        policyId: 'privacy',
        defaultLocale: 'vi',
        locales: ['vi'],
        currentVersion: 1,
        latestVersion: 1,
        upcoming: null,
        titles: { vi: 'Chính sách quyền riêng tư' },
      }),
    },
  },
  listRevisions: {
    summary: 'Revision metadata, newest first, paged',
    query: {
      limit: { description: 'page size, 1–100 (default 20)', schema: limitSchema },
      cursor: cursorQuery,
    },
    responses: {
      200: json(
        'one page of revisions',
        z.strictObject({ revisions: z.array(revisionSchema), nextCursor: z.nullable(z.string()) }),
      ),
    },
  },
  getRevision: {
    summary: 'One revision with its text in one language',
    params: { version: matching(/^([1-9][0-9]{0,9}|current|latest)$/) },
    query: { locale: localeQuery },
    responses: {
      200: json(
        'the revision and the text served (`locale` says which)',
        z.strictObject({ ...revisionShape, locale, text: z.string() }),
        { ...tourRevision, locale: 'vi', text: 'Chính sách bảo mật\n\n1. Thông tin chúng tôi thu thập\n' },
      ),
    },
  },
  publishRevision: {
    summary: 'Publish a new revision (or preview it with dryRun)',
    body: publishSchema(),
    bodyExample: {
      texts: { vi: 'Chính sách bảo mật\n\n1. Thông tin chúng tôi thu thập\n' },
      change: 'material',
      summary: { vi: 'Phiên bản đầu tiên' },
    },
    responses: {
      201: json('the revision was published', revisionSchema, tourRevision),
      200: json(
        'dry run: the revision that would be published and its diff against the latest; nothing is stored',
        z.strictObject({
          ...revisionShape,
          dryRun: z.literal(true),
          baseVersion: int().check(z.minimum(0)),
          diff: z.record(z.string(), boundedDiffSchema),
          emails: z.record(
            z.string(),
            z.strictObject({ subject: z.string(), text: z.string(), html: z.string() }),
          ),
          recipients: z.strictObject({
            total: int().check(z.minimum(0)),
            byLocale: z.record(z.string(), int().check(z.minimum(0))),
            suppressed: int().check(z.minimum(0)),
          }),
          testEmail: z.optional(
            z.strictObject({
              to: z.string(),
              locale: z.string(),
              /** The test send's id (the SES message's `testId` tag); the worker sends the email. */
              messageId: z.string(),
              status: z.literal('queued'),
            }),
          ),
        }),
      ),
    },
    errors: ['NO_CHANGES', 'VERSION_CONFLICT', 'RATE_LIMITED'],
  },
  getPolicySettings: {
    summary: "A policy's settings (defaults for a policy that never stored any: no notice period)",
    responses: {
      200: json('the settings', policySettingsSchema, {
        policyId: 'privacy',
        noticePeriodDays: 30,
        updatedAt: '2026-12-01T03:00:00.000Z',
      }),
    },
  },
  putPolicySettings: {
    summary:
      "Store a policy's settings: noticePeriodDays (0..365) delays a material, notified revision published without effectiveAt",
    body: settingsSchema(),
    bodyExample: { noticePeriodDays: 30 },
    responses: {
      200: json('the stored settings', policySettingsSchema, {
        policyId: 'privacy',
        noticePeriodDays: 30,
        updatedAt: '2026-12-01T03:00:00.000Z',
      }),
    },
  },
  notificationStatus: {
    summary: "Progress of a revision's change emails",
    responses: {
      200: json('the campaign progress', notificationProgressSchema, {
        status: 'completed',
        total: 1,
        sent: 1,
        failed: 0,
        suppressed: 0,
        startedAt: '2026-12-01T03:10:00.000Z',
        completedAt: '2026-12-01T03:10:02.000Z',
        estimatedCompletion: null,
      }),
    },
  },
  retryNotification: {
    summary: "Send a revision's change email again to its recipients that failed for a retryable reason",
    body: retrySchema(),
    bodyExample: {},
    responses: {
      200: json('what was put back on the send queue', retryResultSchema, {
        requeued: 3,
        skipped: { permanent: 1, inProgress: 0 },
        status: 'sending',
      }),
    },
    errors: ['VERSION_CONFLICT'],
  },
  listSuppressions: {
    summary: 'The suppression list (address hashes), or whether one address or hash is on it',
    query: {
      email: {
        description: 'an address to look up (trimmed, any case); not with `hash`',
        schema: z.string(),
      },
      hash: {
        description: 'SHA-256 hex of the trimmed, lower-cased address; not with `email`',
        schema: suppressionHash(),
      },
      limit: { description: 'entries per page, 1–1000 (default 100)', schema: suppressionLimit() },
      cursor: { description: 'from the previous page', schema: z.string() },
    },
    responses: {
      200: json(
        'suppressed address hashes, newest first (one or none for a lookup)',
        z.strictObject({ suppressions: z.array(suppressionSchema), nextCursor: z.nullable(z.string()) }),
      ),
    },
  },
  liftSuppression: {
    summary: 'Lift the suppression of one address (by its hash)',
    params: { hash: suppressionHash() },
    responses: { 204: text('lifted') },
  },
  diff: {
    summary: 'What changed between two versions: by section and word (JSON), unified, or HTML',
    query: {
      from: { description: 'the older version (default: the one before `to`)', schema: pathVersion() },
      to: {
        description: 'the newer version, `current` or `latest` (default)',
        schema: matching(/^([1-9][0-9]{0,9}|current|latest)$/),
      },
      locale: localeQuery,
      format: { description: '`json` (default), `unified` or `html`', schema: formatSchema },
      offset: offsetQuery,
    },
    responses: {
      200: {
        ...json(
          'the diff (`text/x-diff` for format=unified, the redline page for format=html)',
          z.strictObject({
            policyId,
            from: version,
            to: version,
            locale,
            ...boundedDiffShape,
            /** Where the rest of a truncated diff is. */
            rest: z.optional(
              z.strictObject({
                next: z.nullable(z.string()),
                unified: z.string(),
                oldText: z.string(),
                newText: z.string(),
              }),
            ),
          }),
        ),
        text: ['text/x-diff', 'text/html'],
      },
    },
  },
  policyPage: { summary: 'Public page: the current text', responses: { 200: text('the page', 'text/html') } },
  versionPage: { summary: 'Public page: one version', responses: { 200: text('the page', 'text/html') } },
  changesPage: {
    summary: 'Public page: the redline between two versions',
    query: {
      from: { description: 'the older version', schema: pathVersion() },
      to: { description: 'the newer version, `current` or `latest`', schema: z.string() },
      locale: localeQuery,
      offset: offsetQuery,
    },
    responses: { 200: text('the page', 'text/html') },
  },
  feed: {
    summary: 'Atom feed of revisions',
    responses: { 200: text('the feed', 'application/atom+xml') },
  },
  putCustomer: {
    summary: 'Register or update a customer for change emails',
    body: customerSchema,
    bodyExample: {
      email: 'an@example.vn',
      locale: 'vi',
      name: 'Nguyễn Văn An',
      timeZone: 'Asia/Ho_Chi_Minh',
    },
    responses: {
      201: json('registered', customerRecordSchema, {
        userId: 'user-42',
        email: 'an@example.vn',
        locale: 'vi',
        name: 'Nguyễn Văn An',
        timeZone: 'Asia/Ho_Chi_Minh',
        status: 'active',
        registeredAt: '2026-12-01T03:02:00.000Z',
        updatedAt: '2026-12-01T03:02:00.000Z',
      }),
      200: json('updated (`registeredAt` kept)', customerRecordSchema),
    },
  },
  getCustomer: {
    summary: 'A registered customer',
    responses: { 200: json('the customer', customerRecordSchema) },
  },
  deleteCustomer: {
    summary: 'Erase a customer (idempotent)',
    responses: { 204: text('erased (or was not registered)') },
  },
  acknowledge: {
    summary: "Record a user's acknowledgment of a version",
    body: acknowledgeSchema,
    bodyExample: {
      policyId: 'privacy',
      version: 1,
      locale: 'vi',
      channel: 'web',
      evidence: { ip: '203.0.113.7' },
    },
    responses: {
      201: json('recorded', acknowledgmentSchema, tourAck),
      200: json('already recorded: the first record, unchanged', acknowledgmentSchema),
    },
  },
  listAcknowledgments: {
    summary: "A user's acknowledgments, newest first",
    query: { policyId: { description: 'only this policy', schema: policyId } },
    responses: {
      200: json('the acknowledgments', z.strictObject({ acknowledgments: z.array(acknowledgmentSchema) })),
    },
  },
  status: {
    summary: 'Must this user acknowledge the policy (again)?',
    responses: {
      200: json('the answer', statusSchema, {
        userId: 'user-42',
        policyId: 'privacy',
        mustAcknowledge: true,
        reason: 'MATERIAL_CHANGE',
        currentVersion: 2,
        requiredVersion: 2,
        acknowledgedVersion: 1,
        acknowledgedAt: '2026-12-01T03:05:00.000Z',
        upcoming: null,
      }),
    },
  },
  exportAcknowledgments: {
    summary: 'Every acknowledgment of a policy, oldest first, paged',
    query: {
      limit: { description: 'page size, 1–1000 (default 100)', schema: exportLimit },
      cursor: cursorQuery,
    },
    responses: {
      200: json(
        'one page of acknowledgments',
        z.strictObject({
          acknowledgments: z.array(acknowledgmentSchema),
          nextCursor: z.nullable(z.string()),
        }),
      ),
    },
  },
  acknowledgmentSummary: {
    summary: 'How many active customers have (not) acknowledged the required version',
    responses: {
      200: json(
        'the counts',
        z.strictObject({
          policyId,
          requiredVersion: z.nullable(version),
          activeCustomers: int(),
          acknowledgedRequired: int(),
          pending: int(),
          acknowledgmentsByVersion: z.record(z.string(), int()),
        }),
      ),
    },
  },
  timeline: {
    summary: "A user's timeline: revisions, notices and acknowledgments (access requests)",
    responses: {
      200: json(
        'the timeline',
        z.strictObject({
          userId,
          generatedAt: timestamp,
          revisions: z.array(
            z.strictObject({
              policyId,
              version,
              change,
              publishedAt: timestamp,
              effectiveAt: timestamp,
              hash: sha256,
            }),
          ),
          notices: z.array(z.strictObject(noticeShape)),
          acknowledgments: z.array(acknowledgmentSchema),
          events: z.array(timelineEvent),
        }),
      ),
    },
  },
  receipt: {
    summary: 'A printable receipt of an acknowledgment, re-verified now',
    query: { format: { description: '`html` (default) or `json`', schema: receiptFormat } },
    responses: {
      200: {
        ...json(
          'the receipt (the HTML page, or JSON with format=json)',
          z.strictObject({
            acknowledgment: acknowledgmentSchema,
            revision: revisionSchema,
            verified: z.boolean(),
            checks: z.array(
              z.strictObject({
                name: z.enum([
                  'stored_text_matches_revision',
                  'acknowledged_hash_matches_revision',
                  'revision_chain_intact',
                ]),
                ok: z.boolean(),
                detail: z.string(),
              }),
            ),
            notice: z.nullable(z.strictObject(noticeShape)),
          }),
        ),
        text: ['text/html'],
      },
    },
  },
  console: { summary: 'The staff console page', responses: { 200: text('the page', 'text/html') } },
  consoleScript: {
    summary: "The staff console's script",
    responses: { 200: text('the script', 'text/javascript') },
  },
  consoleSession: {
    summary: 'Check a publisher token (console sign-in)',
    responses: {
      200: json('the token is a publisher token', z.strictObject({ role: z.literal('publisher') })),
    },
  },
} satisfies Record<OperationName, OperationContract>;

function pathVersion() {
  return matching(/^[1-9][0-9]{0,9}$/);
}

export type Contract = typeof contract;
