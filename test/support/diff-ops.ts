import type { DiffOp } from '../../functions/domain/diff';

/** The old text an op list describes (equal + delete ops). */
export const oldOf = (ops: DiffOp[]) =>
  ops
    .filter((o) => o.op !== 'insert')
    .map((o) => o.text)
    .join('');

/** The new text an op list describes (equal + insert ops). */
export const newOf = (ops: DiffOp[]) =>
  ops
    .filter((o) => o.op !== 'delete')
    .map((o) => o.text)
    .join('');
