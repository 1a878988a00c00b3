import type { FinalRecipientState, MetricsSink } from '../ports';

const NAMES: Record<FinalRecipientState, 'EmailsSent' | 'EmailsFailed' | 'EmailsSuppressed'> = {
  sent: 'EmailsSent',
  failed: 'EmailsFailed',
  suppressed: 'EmailsSuppressed',
};

/**
 * Counts a send batch's outcomes as EmailsSent / EmailsFailed / EmailsSuppressed. Call it where a batch's
 * tally is applied for the first time (`applyBatchTally` answered `applied: true`), so a redelivered batch
 * is never counted twice.
 */
export function recordEmailOutcomes(metrics: MetricsSink, counts: Record<FinalRecipientState, number>): void {
  for (const state of Object.keys(NAMES) as FinalRecipientState[])
    if (counts[state] > 0) metrics.count(NAMES[state], counts[state]);
}
