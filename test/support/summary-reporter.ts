/**
 * A vitest reporter whose summary cannot understate: a test file that fails to load (or fails outside
 * its tests, in a hook) has no failing test of its own, so vitest's "Tests" line does not count it. This
 * reporter names every such file and counts each as one failure in its last line, `N passed, N failed`,
 * and makes the run exit non-zero. With TEST_SUMMARY_FILE set it also writes that line there (.ci/run
 * prints it last).
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export interface Summary {
  passed: number;
  failed: number;
  /** Files that failed with no failed test: they did not load, or a hook outside the tests failed. */
  brokenFiles: string[];
  unhandledErrors: number;
}

export function summarize(
  modules: ReadonlyArray<TestModule>,
  unhandled: ReadonlyArray<SerializedError>,
): Summary {
  let passed = 0;
  let failed = 0;
  const brokenFiles: string[] = [];
  for (const m of modules) {
    let failedHere = 0;
    for (const test of m.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failedHere++;
    }
    failed += failedHere;
    if (m.state() === 'failed' && failedHere === 0) brokenFiles.push(m.relativeModuleId);
  }
  return {
    passed,
    failed: failed + brokenFiles.length + unhandled.length,
    brokenFiles: brokenFiles.sort(),
    unhandledErrors: unhandled.length,
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
    const line = `${s.passed} passed, ${s.failed} failed`;
    out.push(line);
    process.stdout.write(`${out.join('\n')}\n`);
    if (process.env.TEST_SUMMARY_FILE) writeFileSync(process.env.TEST_SUMMARY_FILE, `${line}\n`);
    if (s.failed > 0) process.exitCode = 1;
  }
}
