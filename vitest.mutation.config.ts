import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of functions/domain and functions/usecases
 * (stryker.config.json, `npm run mutate`): the fast unit tests that import those folders. No browser,
 * no DynamoDB Local or dynalite, no nested vitest runs: a mutant is re-tested by re-running only the
 * tests that covered it (coverageAnalysis perTest), so every test here must be cheap to repeat.
 */
export const mutationTests = [
  'test/unit/csv-injection.test.ts',
  'test/unit/domain.test.ts',
  'test/unit/email.test.ts',
  'test/unit/feed.test.ts',
  'test/unit/notify-adapters.test.ts',
  'test/unit/notify-domain.test.ts',
  'test/unit/notify-quota.test.ts',
  'test/unit/notify-ses-serialisation.test.ts',
  'test/unit/observability.test.ts',
  'test/unit/revision-format.test.ts',
  'test/unit/text-chunks.test.ts',
  'test/unit/text.test.ts',
  'test/unit/usecases-*.test.ts',
  'test/unit/valid-unicode.test.ts',
];

export default defineConfig({
  test: {
    include: mutationTests,
    // Wall-clock guards ("... in under 200 ms", "... safely and quickly") time the code under test, which
    // Stryker instruments for coverage (10-100x slower): they stay in `npm test` and are left out here.
    // Their other assertions are covered by the rest of these files. The CSV test that checks the
    // console embeds csvField's own source text cannot pass on instrumented source either.
    testNamePattern: /^(?!.*(in under \d|safely and quickly|the very function the console embeds)).*$/,
    environment: 'node',
    testTimeout: 120_000,
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'warn',
    },
  },
});
