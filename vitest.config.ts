import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The default report, then one last line that counts a file that failed to load as a failure.
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['test/support/openapi-count.ts'],
    setupFiles: ['test/support/configure-process.ts'],
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'warn',
    },
  },
});
