/** Builds the CDK app once per test file, with bundling skipped so tests stay fast. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type BuildOptions, buildApp } from '../../lib/policy-notify-app';

export const testConfig = {
  stage: 'test',
  senderEmail: 'privacy@example.com',
  publicBaseUrl: 'https://policies.example.com',
  orgName: 'Example Co.',
  orgPhone: '+84 28 0000 0000',
  orgEmail: 'dpo@example.com',
  sesMaxSendRate: '14',
  alarmEmail: 'ops@example.com',
};

export function testApp(
  context: Record<string, unknown> = testConfig,
  options: BuildOptions = { nag: false },
) {
  // `npm run synth` runs CDK's built-in CloudFormation validation; here it would cost ~7 s per app.
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
  const built = buildApp(app, options);
  return {
    app,
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    statelessTemplate: Template.fromStack(built.stateless),
  };
}

export type TestApp = ReturnType<typeof testApp>;

/** The logical id CloudFormation sees for a construct's default resource. */
export const logicalId = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as never);

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped
export type Cfn = any;

export function resourcesOf(template: Template, type: string): Array<[string, Cfn]> {
  return Object.entries(template.findResources(type));
}
