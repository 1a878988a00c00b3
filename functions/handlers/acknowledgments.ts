/** Acknowledgments and the status check (app role). Reads Policies, reads/writes Acknowledgments. */

import { acknowledgmentsFromEnv } from '../composition/acknowledgments';
import { lazyHandler } from '../composition/handler';
import { assertPolicyId, assertUserId, canonicalLocale, LOCALE, POLICY_ID } from '../domain/ids';
import * as z from '../domain/schema';
import { intIn, matching } from '../domain/schema';
import { createApiHandler, type Operations } from '../http/api';
import { parseWith, SINGLE_LINE } from '../http/validate';
import type { MetricsSink } from '../ports';
import {
  type AcknowledgmentDeps,
  acknowledge,
  checkStatus,
  listAcknowledgments,
} from '../usecases/acknowledgments';

const EVIDENCE_MAX_BYTES = 8 * 1024;

export const acknowledgeSchema = z.strictObject({
  policyId: matching(POLICY_ID, 'not a valid policy id'),
  version: intIn(1, 9_999_999_999),
  locale: z.optional(z.pipe(matching(LOCALE, 'must be a BCP 47 language tag'), z.transform(canonicalLocale))),
  channel: z.optional(matching(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 characters of a-z, 0-9, _ and -')),
  evidence: z.optional(
    z
      .record(
        matching(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'evidence keys are short identifiers'),
        z.string().check(z.maxLength(2048), z.regex(SINGLE_LINE, 'must not contain CR, LF or NUL')),
      )
      .check(
        z.refine((e) => Object.keys(e).length <= 20, 'at most 20 evidence fields'),
        z.refine(
          (e) => Buffer.byteLength(JSON.stringify(e)) <= EVIDENCE_MAX_BYTES,
          `evidence is limited to ${EVIDENCE_MAX_BYTES} bytes`,
        ),
      ),
  ),
});

/** `metrics` counts Acknowledgments (new records only) and StatusChecks; absent in tests and locally. */
export type AcknowledgmentHandlerDeps = AcknowledgmentDeps & { metrics?: MetricsSink };

export const acknowledgmentOperations: Operations<AcknowledgmentHandlerDeps> = {
  acknowledge: async (req, deps) => {
    const userId = assertUserId(req.params.userId);
    const input = parseWith(acknowledgeSchema, req.body);
    const { created, record } = await acknowledge(deps, userId, input);
    if (created) deps.metrics?.count('Acknowledgments');
    return { status: created ? 201 : 200, body: record };
  },
  listAcknowledgments: async (req, deps) => {
    const userId = assertUserId(req.params.userId);
    const policyId = req.query.policyId === undefined ? undefined : assertPolicyId(req.query.policyId);
    return { status: 200, body: { acknowledgments: await listAcknowledgments(deps, userId, policyId) } };
  },
  status: async (req, deps) => {
    const body = await checkStatus(
      deps,
      assertUserId(req.params.userId),
      assertPolicyId(req.params.policyId),
    );
    deps.metrics?.count('StatusChecks');
    return { status: 200, body };
  },
};

export const createAcknowledgmentsHandler = (deps: AcknowledgmentHandlerDeps) =>
  createApiHandler('acknowledgments', acknowledgmentOperations, deps);
export const handler = lazyHandler(() => createAcknowledgmentsHandler(acknowledgmentsFromEnv()));
