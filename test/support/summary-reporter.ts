/**
 * A vitest reporter whose summary cannot understate: a test file that fails to load (or fails outside
 * its tests, in a hook) has no failing test of its own, so vitest's "Tests" line does not count it. This
 * reporter names every such file and counts each as one failure in its last line, `N passed, N failed`,
 * and makes the run exit non-zero. Skipped tests are never a silent pass: `N test(s) skipped:` and the
 * skipped suites by name are printed just above that line (a conditional suite's name says why it is
 * skipped, e.g. "DynamoDB Local (skipped: no java on this machine)"); the last line itself stays exactly
 * `N passed, N failed`, the form CI reads. With TEST_SUMMARY_FILE set it also writes those lines there
 * (.ci/run prints them last).
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export interface Summary {
  passed: number;
  failed: number;
  /** Files that failed with no failed test: they did not load, or a hook outside the tests failed. */
  brokenFiles: string[];
  unhandledErrors: number;
  /** Skipped tests, as `file > suite > test`. */
  skipped: string[];
}

export function summarize(
  modules: ReadonlyArray<TestModule>,
  unhandled: ReadonlyArray<SerializedError>,
): Summary {
  let passed = 0;
  let failed = 0;
  const brokenFiles: string[] = [];
  const skipped: string[] = [];
  for (const m of modules) {
    let failedHere = 0;
    for (const test of m.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failedHere++;
      else if (state === 'skipped') skipped.push(`${m.relativeModuleId} > ${test.fullName}`);
    }
    failed += failedHere;
    if (m.state() === 'failed' && failedHere === 0) brokenFiles.push(m.relativeModuleId);
  }
  return {
    passed,
    failed: failed + brokenFiles.length + unhandled.length,
    brokenFiles: brokenFiles.sort(),
    unhandledErrors: unhandled.length,
    skipped,
  };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const s = summarize(modules, unhandled);
    const out: string[] = [''];
    if (s.brokenFiles.length > 0) {
      out.push(
        `${s.brokenFiles.length} test file(s) failed outside their tests (did not load, or a hook failed):`,
      );
      for (const f of s.brokenFiles) out.push(`  ${f}`);
    }
    if (s.unhandledErrors > 0) out.push(`${s.unhandledErrors} unhandled error(s) during the run`);
    const skippedLines: string[] = [];
    if (s.skipped.length > 0) {
      // One line per skipped suite (its tests share the reason), not per test.
      const suites = [...new Set(s.skipped.map((t) => t.split(' > ').slice(0, 2).join(' > ')))];
      skippedLines.push(`${s.skipped.length} test(s) skipped:`);
      for (const suite of suites) skippedLines.push(`  ${suite}`);
    }
    const line = `${s.passed} passed, ${s.failed} failed`;
    out.push(...skippedLines, line);
    process.stdout.write(`${out.join('\n')}\n`);
    if (process.env.TEST_SUMMARY_FILE)
      writeFileSync(process.env.TEST_SUMMARY_FILE, `${[...skippedLines, line].join('\n')}\n`);
    if (s.failed > 0) process.exitCode = 1;
  }
}
