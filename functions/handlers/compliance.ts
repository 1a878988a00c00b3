/**
 * Compliance reads: acknowledgment export and counts (publisher), a user's timeline and receipts (app).
 * Read-only on Policies, Acknowledgments (which also holds the counters) and Notifications.
 */
import { complianceFromEnv } from '../composition/compliance';
import { lazyHandler } from '../composition/handler';
import { assertPolicyId, assertUserId, parseVersion } from '../domain/ids';
import * as z from '../domain/schema';
import { createApiHandler, type Operations } from '../http/api';
import { htmlErrorPage } from '../http/error-pages';
import { parseWith } from '../http/validate';
import {
  acknowledgmentReceipt,
  acknowledgmentSummary,
  type ComplianceDeps,
  exportAcknowledgments,
  userTimeline,
} from '../usecases/compliance';
import { pageHeaders } from '../views/html';
import { renderReceipt } from '../views/receipt';

export const exportLimit = z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100);
export const receiptFormat = z._default(z.enum(['html', 'json']), 'html');

export const complianceOperations: Operations<ComplianceDeps> = {
  exportAcknowledgments: async (req, deps) => {
    const policyId = assertPolicyId(req.params.policyId);
    const limit = parseWith(exportLimit, req.query.limit, 'limit');
    const page = await exportAcknowledgments(deps, policyId, limit, req.query.cursor ?? null);
    return { status: 200, body: { acknowledgments: page.items, nextCursor: page.nextCursor } };
  },

  acknowledgmentSummary: async (req, deps) => ({
    status: 200,
    body: await acknowledgmentSummary(deps, assertPolicyId(req.params.policyId), deps.clock.now()),
  }),

  timeline: async (req, deps) => ({
    status: 200,
    body: await userTimeline(deps, assertUserId(req.params.userId), deps.clock.now()),
  }),

  receipt: async (req, deps) => {
    const userId = assertUserId(req.params.userId);
    const policyId = assertPolicyId(req.params.policyId);
    const version = parseVersion(req.params.version);
    const format = parseWith(receiptFormat, req.query.format, 'format');
    const receipt = await acknowledgmentReceipt(deps, userId, policyId, version);
    if (format === 'json') {
      const { text: _text, ...rest } = receipt;
      return { status: 200, body: rest };
    }
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      headers: { ...pageHeaders, 'cache-control': 'no-store' },
      body: renderReceipt({ ...receipt, publicRevisionUrl: `/policies/${policyId}/revisions/${version}` }),
    };
  },
};

export const createComplianceHandler = (deps: ComplianceDeps) =>
  createApiHandler('compliance', complianceOperations, deps, { errorPage: htmlErrorPage });
export const handler = lazyHandler(() => createComplianceHandler(complianceFromEnv()));
