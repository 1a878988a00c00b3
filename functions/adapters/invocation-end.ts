/**
 * What is published at the end of each Lambda invocation: the process's metrics, registered by
 * ./metrics.ts `metricsFromEnv` (only the functions that count something import it, so the others never
 * load Powertools Metrics) and flushed by ./observability.ts `endInvocation`. Apart from both, so that
 * registering loads neither Logger nor Metrics.
 */
let metrics: { flush(): void } | undefined;

/** Makes every later invocation end publish these metrics. */
export function publishAtInvocationEnd(sink: { flush(): void }): void {
  metrics = sink;
}

export function flushAtInvocationEnd(): void {
  metrics?.flush();
}
