#!/usr/bin/env node
// `npx policyctl`: runs the prebuilt bundle dist/policyctl.mjs, (re)building it first when it is missing
// or older than its sources (bin/cli/bundle.mjs explains why it is built here, not at install). Loading
// plain JavaScript keeps `policyctl --help` fast; compiling TypeScript with tsx on every call did not.
// Without esbuild (installed without dev dependencies) it falls back to tsx, a runtime dependency.
import { BUNDLE, buildBundle, bundleIsFresh } from './cli/bundle.mjs';

let entry = BUNDLE.href;
if (!bundleIsFresh()) {
  try {
    await buildBundle();
  } catch (e) {
    if (process.env.POLICYCTL_DEBUG) process.stderr.write(`policyctl: no bundle (${e}); using tsx\n`);
    const { register } = await import('tsx/esm/api');
    register();
    entry = new URL('./policyctl.ts', import.meta.url).href;
  }
}
await import(entry);
