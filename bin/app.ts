#!/usr/bin/env node
/** The CDK app (cdk.json: `npx tsx bin/app.ts`). Configuration comes from context: see docs/DEPLOY.md. */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config';
import { buildApp } from '../lib/policy-notify-app';

const app = new App();
try {
  buildApp(app);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
app.synth();
