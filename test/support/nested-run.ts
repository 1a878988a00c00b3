/**
 * The environment for a vitest run started by a test: this run's own, less what belongs to this run
 * alone. TEST_SUMMARY_FILE (set by .ci/run) would make the nested run write its summary over this run's,
 * or fail where that folder does not exist; OPENAPI_COUNT_DIR is this run's response tally.
 */
export function nestedRunEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { TEST_SUMMARY_FILE: _summary, OPENAPI_COUNT_DIR: _count, ...env } = process.env;
  return { ...env, ...extra };
}
