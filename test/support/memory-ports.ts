/**
 * In-memory fakes of the policy and acknowledgment ports (functions/ports.ts) for the use-case unit
 * tests: plain maps, no DynamoDB, so the tests stay cheap enough for the mutation run.
 */
import { ItemExistsError } from '../../functions/domain/errors';
import type { Revision } from '../../functions/domain/revision';
import type {
  Acknowledgment,
  AcknowledgmentStore,
  Page,
  PolicySettings,
  PolicyStore,
  RevisionChanges,
} from '../../functions/ports';

export class MemoryPolicyStore implements PolicyStore {
  readonly revisionsById = new Map<string, Revision[]>();
  readonly texts = new Map<string, string>();
  readonly registered: string[] = [];
  /** Revisions another writer slips in just before the next `putRevision` (a lost race). */
  readonly raceWith: Revision[] = [];
  readonly settings = new Map<string, PolicySettings>();

  async getSettings(policyId: string) {
    return this.settings.get(policyId) ?? null;
  }
  async putSettings(policyId: string, settings: PolicySettings) {
    this.settings.set(policyId, settings);
  }

  async listPolicyIds() {
    return [...this.revisionsById.keys()];
  }
  async registerPolicy(policyId: string) {
    this.registered.push(policyId);
    if (!this.revisionsById.has(policyId)) this.revisionsById.set(policyId, []);
  }
  async listRevisions(policyId: string) {
    return [...(this.revisionsById.get(policyId) ?? [])];
  }
  async pageRevisions(policyId: string, limit: number): Promise<Page<Revision>> {
    return { items: (await this.listRevisions(policyId)).reverse().slice(0, limit), nextCursor: null };
  }
  async getRevision(policyId: string, version: number) {
    return this.revisionsById.get(policyId)?.[version - 1] ?? null;
  }
  async latestRevision(policyId: string) {
    return this.revisionsById.get(policyId)?.at(-1) ?? null;
  }
  async putRevision(revision: Revision) {
    const racer = this.raceWith.shift();
    if (racer) this.append(racer);
    const list = this.revisionsById.get(revision.policyId) ?? [];
    if (list.length >= revision.version) throw new ItemExistsError('revision exists');
    this.append(revision);
  }
  private append(revision: Revision) {
    const list = this.revisionsById.get(revision.policyId) ?? [];
    list.push(revision);
    this.revisionsById.set(revision.policyId, list);
  }
  async putText(policyId: string, hash: string, text: string) {
    this.texts.set(`${policyId}/${hash}`, text);
  }
  async getText(policyId: string, hash: string) {
    return this.texts.get(`${policyId}/${hash}`) ?? null;
  }
  private readonly changes = new Map<string, RevisionChanges>();
  async putChanges(policyId: string, revisionHash: string, changes: RevisionChanges) {
    if (!this.changes.has(`${policyId}/${revisionHash}`))
      this.changes.set(`${policyId}/${revisionHash}`, changes);
  }
  async getChanges(policyId: string, revisionHash: string) {
    return this.changes.get(`${policyId}/${revisionHash}`) ?? null;
  }
}

export class MemoryAckStore implements AcknowledgmentStore {
  readonly records: Acknowledgment[] = [];
  async put(ack: Acknowledgment) {
    const existing = this.records.find(
      (r) => r.userId === ack.userId && r.policyId === ack.policyId && r.version === ack.version,
    );
    if (existing) return { created: false, record: existing };
    this.records.push(ack);
    return { created: true, record: ack };
  }
  async newest(userId: string, policyId: string) {
    const mine = this.records.filter((r) => r.userId === userId && r.policyId === policyId);
    return mine.sort((a, b) => b.version - a.version)[0] ?? null;
  }
  async listForUser(userId: string, policyId?: string) {
    return this.records.filter((r) => r.userId === userId && (!policyId || r.policyId === policyId));
  }
  /** Oldest first (insertion order); the cursor is the offset of the next item. */
  async pageForPolicy(policyId: string, limit: number, cursor: string | null): Promise<Page<Acknowledgment>> {
    const mine = this.records.filter((r) => r.policyId === policyId);
    const start = cursor === null ? 0 : Number(cursor);
    const end = start + limit;
    return { items: mine.slice(start, end), nextCursor: end < mine.length ? String(end) : null };
  }
}
