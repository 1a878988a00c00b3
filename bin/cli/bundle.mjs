/**
 * The prebuilt policyctl: `bin/policyctl.ts` bundled by esbuild into one ES module, `dist/policyctl.mjs`
 * (git-ignored), with the list of files it was built from in `dist/policyctl.inputs.json`.
 *
 * bin/policyctl.mjs builds it on first use and rebuilds it when any of those files is newer than the
 * bundle, so it never runs stale code after an edit, a `git pull` or a branch switch. (An npm `prepare`
 * or `postinstall` script would build it once at `npm ci` and then go stale silently.) Plain JavaScript,
 * so that the launcher can load it without a TypeScript loader.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
export const BUNDLE = new URL('dist/policyctl.mjs', root);
const INPUTS = new URL('dist/policyctl.inputs.json', root);

/** True when the bundle exists and no file it was built from (nor this builder) changed since. */
export function bundleIsFresh() {
  try {
    const built = statSync(BUNDLE).mtimeMs;
    const inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
    return inputs.every((path) => statSync(new URL(path, root)).mtimeMs <= built);
  } catch {
    return false; // missing bundle or list, or an input deleted: build again
  }
}

/** Builds the bundle. Concurrent builds (parallel test workers) each write aside and rename into place. */
export async function buildBundle() {
  const { build } = await import('esbuild');
  const dist = new URL('dist/', root);
  mkdirSync(dist, { recursive: true });
  const tmp = new URL(`policyctl.${process.pid}.${Date.now()}.mjs`, dist);
  const result = await build({
    absWorkingDir: fileURLToPath(root),
    entryPoints: ['bin/policyctl.ts'],
    outfile: fileURLToPath(tmp),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
    // A CommonJS dependency bundled into an ES module may still call require().
    banner: {
      js: "import { createRequire as __policyctlCreateRequire } from 'node:module'; const require = __policyctlCreateRequire(import.meta.url);",
    },
  });
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), 'bin/cli/bundle.mjs', 'package.json'])];
  const inputsTmp = new URL(`policyctl.inputs.${process.pid}.json`, dist);
  writeFileSync(inputsTmp, `${JSON.stringify(inputs)}\n`);
  renameSync(inputsTmp, INPUTS);
  renameSync(tmp, BUNDLE);
}
