import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type TestApp, testApp, testConfig } from './support';

/** Every acknowledgment in the tree: where it sits, the rule id and the reason. */
function acknowledgments(root: IConstruct) {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          construct,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** `RuleId` + the violating resource paths, as cdk-nag reports them. */
function findings(app: TestApp['app']) {
  return new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      id: v.ruleName,
      severity: v.severity,
      path: r.constructPath ?? '',
    })),
  );
}

describe('cdk-nag AwsSolutions', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reports no unacknowledged error or warning', () => {
    const { app } = testApp();
    expect(findings(app)).toEqual([]);
  });

  it('acknowledges only rules that actually fire, each on the resource it fires on', () => {
    const acks = acknowledgments(testApp().app);
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    const raw = findings(testApp().app);
    for (const ack of acks) {
      const covered = raw.filter(
        (f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      );
      expect(covered.length, `${ack.id} at ${ack.path} suppresses nothing`).toBeGreaterThan(0);
    }
    for (const finding of raw) {
      const ack = acks.find((a) => a.id === finding.id && finding.path.startsWith(a.path));
      expect(ack, `${finding.id} at ${finding.path}`).toBeDefined();
    }
  });

  it('gives every acknowledgment a specific reason, on a resource rather than a whole stack', () => {
    const acks = acknowledgments(testApp().app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      if (ack.id.startsWith('AwsSolutions-IAM5')) expect(ack.id, 'IAM5 must name the finding').toContain('[');
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(60);
      expect(Stack.isStack(ack.construct), `${ack.id} at ${ack.path} is stack-wide`).toBe(false);
    }
  });

  it('runs as a synth-time validation plugin (as in `cdk synth`) and leaves an empty report', () => {
    const reportOf = () => {
      const { app } = testApp(testConfig, { nag: true });
      const assembly = app.synth();
      const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
      return report.pluginReports.flatMap((r: { violations: Array<{ ruleName: string }> }) => r.violations);
    };
    expect(reportOf()).toEqual([]);

    // The same synth without the acknowledgments fails: the plugin really runs and blocks synthesis.
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    expect(reportOf).toThrow(/AwsSolutions-SMG4/);
  });
});
