/**
 * Ports: what the use cases need from the outside world. Adapters (functions/adapters) implement them
 * for DynamoDB; tests run the same contract suite (test/integration/store-contract.ts) against every
 * implementation. Ports never import adapters.
 */
import type { Revision } from './domain/revision';

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export interface PolicyStore {
  /** Every policy id, registered when its first revision is published. */
  listPolicyIds(): Promise<string[]>;
  /** Idempotent: records that a policy exists (before its first revision is written). */
  registerPolicy(policyId: string, createdAt: string): Promise<void>;
  /** All revisions of a policy, ascending by version (empty when the policy does not exist). */
  listRevisions(policyId: string): Promise<Revision[]>;
  /** Newest first, `limit` at a time. */
  pageRevisions(policyId: string, limit: number, cursor: string | null): Promise<Page<Revision>>;
  getRevision(policyId: string, version: number): Promise<Revision | null>;
  latestRevision(policyId: string): Promise<Revision | null>;
  /** Write-once. Throws ItemExistsError when the version is already taken (a concurrent publish won). */
  putRevision(revision: Revision): Promise<void>;
  /** Texts are stored content-addressed (by their hash), so writing the same text twice is harmless. */
  putText(policyId: string, hash: string, text: string): Promise<void>;
  getText(policyId: string, hash: string): Promise<string | null>;
}

export interface Customer {
  userId: string;
  email: string;
  locale: string | null;
  name: string | null;
  status: 'active' | 'suppressed';
  suppressedReason?: string;
  registeredAt: string;
  updatedAt: string;
}

export interface CustomerStore {
  get(userId: string): Promise<Customer | null>;
  /** Creates or replaces; returns whether the record is new. */
  put(customer: Customer): Promise<{ created: boolean }>;
  /** Removes the record, erasing email and name. Returns whether there was one. */
  delete(userId: string): Promise<boolean>;
  /** Marks every customer with this address suppressed (bounce or complaint); returns how many. */
  suppressByEmail(email: string, reason: string, at: string): Promise<number>;
  /** Pages through active customers in a stable order; the cursor resumes after a crash. */
  pageActive(limit: number, cursor: string | null): Promise<Page<Customer>>;
  getMany(userIds: string[]): Promise<Customer[]>;
}

export interface Acknowledgment {
  userId: string;
  policyId: string;
  version: number;
  locale: string;
  contentHash: string;
  acknowledgedAt: string;
  channel: string;
  evidence: Record<string, string>;
  receiptId: string;
}

export interface AcknowledgmentStore {
  /** Append-only: when (userId, policyId, version) exists the stored record is returned untouched. */
  put(ack: Acknowledgment): Promise<{ created: boolean; record: Acknowledgment }>;
  /** The user's acknowledgment of the highest version of a policy: one read, the status check's hot path. */
  newest(userId: string, policyId: string): Promise<Acknowledgment | null>;
  /** Newest first (highest version first within a policy). */
  listForUser(userId: string, policyId?: string): Promise<Acknowledgment[]>;
  /** Every acknowledgment of a policy, oldest first, paged (compliance export). */
  pageForPolicy(policyId: string, limit: number, cursor: string | null): Promise<Page<Acknowledgment>>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(): string;
}
