#!/usr/bin/env node
// `npx policyctl`: runs the TypeScript entry through tsx (a dependency), so there is no build step.
// tsx/esm/api's register() installs tsx's loader in this process (Node >= 20.6, module.register).
import { register } from 'tsx/esm/api';

register();
await import('./policyctl.ts');
