import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of functions/domain and functions/usecases
 * (stryker.config.json, `npm run mutate`): the fast unit tests that import those folders. No browser,
 * no DynamoDB Local or dynalite, no nested vitest runs: a mutant is re-tested by re-running only the
 * tests that covered it (coverageAnalysis perTest), so every test here must be cheap to repeat.
 */
export const mutationTests = [
  'test/unit/csv-injection.test.ts',
  'test/unit/diff-align.test.ts',
  'test/unit/diff-align-internals.test.ts',
  'test/unit/diff-bound.test.ts',
  'test/unit/diff-groups.test.ts',
  'test/unit/diff-lines.test.ts',
  'test/unit/diff-sequence.test.ts',
  'test/unit/diff-tokens.test.ts',
  'test/unit/diff.engine.test.ts',
  'test/unit/diff.policy.test.ts',
  'test/unit/diff-policy-cases.test.ts',
  'test/unit/diff.sections.test.ts',
  'test/unit/diff.unified.test.ts',
  'test/unit/diff-words.test.ts',
  'test/unit/diff-words-regions.test.ts',
  'test/unit/document.test.ts',
  'test/unit/domain.test.ts',
  'test/unit/domain-ids-notification.test.ts',
  'test/unit/email.test.ts',
  'test/unit/email-rules.test.ts',
  'test/unit/email-templates.test.ts',
  'test/unit/heading-rules.test.ts',
  'test/unit/feed.test.ts',
  'test/unit/lazy.test.ts',
  'test/unit/log.test.ts',
  'test/unit/markdown-limits.test.ts',
  'test/unit/markdown-model.test.ts',
  'test/unit/markdown-render.test.ts',
  'test/unit/markdown-structure.test.ts',
  'test/unit/notify-adapters.test.ts',
  'test/unit/notify-domain.test.ts',
  'test/unit/notify-quota.test.ts',
  'test/unit/notify-titles-config.test.ts',
  'test/unit/notify-ses-serialisation.test.ts',
  'test/unit/observability.test.ts',
  'test/unit/plain-sections.test.ts',
  'test/unit/redact.test.ts',
  'test/unit/revision-format.test.ts',
  'test/unit/revision-rules.test.ts',
  'test/unit/schema-boundaries.test.ts',
  'test/unit/text-chunks.test.ts',
  'test/unit/text.test.ts',
  'test/unit/text-rules.test.ts',
  'test/unit/usecases-*.test.ts',
  'test/unit/valid-unicode.test.ts',
];

const slowOrUnfit = [
  'in under \\d',
  'safely and quickly',
  'the very function the console embeds',
  'accepts exactly what XML 1.0 accepts',
  'gives the same output as the former regex implementation',
  'treats exactly the characters',
  'cuts only between code points',
  'agrees with normalize\\(\\) for every character',
  'keeps a real run under the rate',
  'is never below the bytes JSON or HTML escaping writes',
  'the ops rebuild both reader texts',
  'modified sections rebuild both texts, added/removed carry the whole text',
  'finishes a 10,000-line full rewrite with sections',
  'in a 200 KB single-section document',
  'stops at the byte budget, and cuts a single section larger than it',
  'finishes on 20,000 lines drawn from 3 distinct values',
  'builds the same model whether the inline content is parsed with the blocks or block by block',
  'equal\\+delete rebuilds the old text and equal\\+insert the new one, ops merged \\(property\\)',
  'gives the stock tokens and HTML for any text over Markdown punctuation and plain characters',
  'keeps letters, marks, digits, dots, underscores and hyphens',
  'shows at most maxSections, counts the rest by status and pages through every section once',
  'reports a large in-place rewrite whose word sets differ as one replacement',
  'takes linear time on a long run without an @ and on many @ signs',
];

export default defineConfig({
  test: {
    include: mutationTests,
    // Left out here (they stay in `npm test`), each named in `slowOrUnfit` below:
    // - wall-clock guards ("in under 200 ms", "safely and quickly"): they time the instrumented code;
    // - the CSV test that checks the console embeds csvField's own source text (instrumented here);
    // - exhaustive and property-based sweeps (every code point, thousands of generated texts) and a
    //   rate test on the real clock: 1-5 s each plain, minutes per mutant under Stryker's coverage
    //   instrumentation, which would make a run over functions/domain take hours on two cores;
    // - the diff and document tests over large inputs (10,000- and 20,000-line texts, a 200 KB
    //   section, the byte budget, the parser equivalence sweeps): 0.3-1.8 s each under instrumentation,
    //   and they cover nearly every mutant of functions/domain/diff and document.
    testNamePattern: new RegExp(`^(?!.*(${slowOrUnfit.join('|')})).*$`),
    environment: 'node',
    setupFiles: ['test/support/configure-process.ts'],
    testTimeout: 120_000,
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'warn',
    },
  },
});
