/**
 * A deterministic work allowance shared by every step of one diff computation.
 *
 * Bounds are counted in units of work (Myers diagonal visits and snake steps, elements scanned while
 * anchoring, hash-set merge steps), never in wall-clock time, so the same inputs always give the same
 * output on any machine. When a step would exceed the allowance it stops and reports its window as
 * replaced (delete-all + insert-all), which is always a correct, if coarse, diff.
 */
export class WorkBudget {
  constructor(public remaining: number) {}

  spend(units: number): void {
    this.remaining -= units;
  }

  get exhausted(): boolean {
    return this.remaining <= 0;
  }
}

/**
 * Total work for one `diffPolicyTexts` / `unifiedDiff` call. Units are roughly comparable (a Myers step,
 * a character scanned, a sixteenth of a token interned), so this caps the super-linear part of a call at
 * a few hundred milliseconds whatever the input; linear passes over the texts come on top.
 */
export const TOTAL_WORK = 30_000_000;

/** Largest Myers run on one window between anchors (also bounds its trace memory to ~4 MB). */
export const LINE_WINDOW_WORK = 1_000_000;

/** Largest Myers run on one window of word tokens inside a changed region. */
export const WORD_WINDOW_WORK = 250_000;
