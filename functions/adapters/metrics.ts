/**
 * Business metrics through Powertools Metrics: the counts of an invocation are summed and published as
 * CloudWatch embedded metric format at its end (adapters/observability.ts `endInvocation`). Apart from
 * observability.ts because only the functions that count something (publish, acknowledgments, the
 * worker) import it: the others do not load Powertools Metrics at all (README "Tracing and the import
 * budget"). Namespace and service name come from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BusinessMetric, MetricsSink } from '../ports';
import { publishAtInvocationEnd } from './invocation-end';

export class PowertoolsMetrics implements MetricsSink {
  private readonly metrics = new Metrics();
  /** Summed per invocation: one value per metric in the EMF line, not one data point per event. */
  private readonly pending = new Map<BusinessMetric, number>();

  count(name: BusinessMetric, value = 1): void {
    if (value > 0) this.pending.set(name, (this.pending.get(name) ?? 0) + value);
  }

  /** Writes the invocation's metrics as one EMF log line (nothing when none were counted). */
  flush(): void {
    if (this.pending.size === 0) return;
    for (const [name, value] of this.pending) this.metrics.addMetric(name, MetricUnit.Count, value);
    this.pending.clear();
    this.metrics.publishStoredMetrics();
  }
}

let metrics: PowertoolsMetrics | undefined;

/** The process's metrics, published at the end of each Lambda invocation. */
export function metricsFromEnv(): PowertoolsMetrics {
  if (!metrics) {
    metrics = new PowertoolsMetrics();
    publishAtInvocationEnd(metrics);
  }
  return metrics;
}
