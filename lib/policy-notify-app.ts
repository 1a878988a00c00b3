/**
 * Builds the whole CDK app from context: bin/app.ts calls it for `cdk synth/deploy`, the tests call it
 * with their own context (and `aws:cdk:bundling-stacks: []` to skip bundling).
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type Route, routes as routeTable } from '../functions/http/routes';
import { type AppConfig, configFromContext, senderDomain } from './config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface BuildOptions {
  /** Register cdk-nag AwsSolutions as a synth-time validation plugin (errors fail `cdk synth`). */
  nag?: boolean;
  routes?: readonly Route[];
}

export interface PolicyNotifyApp {
  config: AppConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export function buildApp(app: App, options: BuildOptions = {}): PolicyNotifyApp {
  const config = configFromContext((key) => app.node.tryGetContext(key));
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = `PolicyNotify-${config.stage}`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    description: 'policy-notify: tables and API token secret (retained on delete)',
    terminationProtection: config.stage === 'prod',
    sender: config.manageSenderIdentity
      ? {
          domain: senderDomain(config.senderEmail),
          mailFromDomain: config.mailFromDomain,
          hostedZoneId: config.hostedZoneId,
          reportEmail: config.orgEmail,
        }
      : undefined,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    description: 'policy-notify: functions, HTTP API, notification queues, SES configuration and alarms',
    config,
    tables: stateful.tables,
    apiTokens: stateful.apiTokens,
    routes: options.routes ?? (routeTable as readonly Route[]),
  });

  Tags.of(app).add('service', 'policy-notify');
  Tags.of(app).add('stage', config.stage);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, stateful, stateless };
}
