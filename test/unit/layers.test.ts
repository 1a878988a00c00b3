/**
 * `npm run lint` fails on an import against the layers (scripts/check-layers.ts): run on a deliberately
 * wrong tree it fails naming each import and rule, on a right one it passes, and the repository itself
 * passes.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkLayers, readsEnvironment } from '../../scripts/check-layers';

const run = (root: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-layers.ts', '--root', root], {
    encoding: 'utf8',
  });

describe('the layer check of npm run lint', () => {
  it('fails on the deliberately wrong fixture, naming every bad import', () => {
    const out = run('test/fixtures/layers/wrong');
    expect(out.status).toBe(1);
    const lines = out.stderr
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .sort();
    expect(lines).toEqual([
      "functions/domain/entity.ts: imports '../ports' (the domain imports only the domain)",
      "functions/domain/entity.ts: imports '@aws-sdk/client-ses' (the domain imports no package but hashing, zod and markdown-it)",
      "functions/usecases/worker.ts: imports '../adapters/token-bucket' (use cases import only the domain, the ports and use cases)",
      "functions/usecases/worker.ts: imports '../http/log' (use cases import only the domain, the ports and use cases)",
      'functions/usecases/worker.ts: reads process.env (only functions/composition reads the environment)',
      "functions/views/receipt.ts: imports '../usecases/compliance' (views import only the domain and views)",
      "lib/stack.ts: imports '../bin/local/runtime' (nothing under functions/ or lib/ imports bin/)",
    ]);
  });

  it('passes on the right fixture', () => {
    const out = run('test/fixtures/layers/right');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('finds environment reads in code, not in comments, and allows them in the composition root', () => {
    expect(readsEnvironment('functions/http/log.ts', 'const l = process.env.LOG_LEVEL;')).toBe(true);
    expect(readsEnvironment('functions/http/log.ts', "const e = process['env'];")).toBe(true);
    expect(
      readsEnvironment('functions/http/log.ts', '// set from process.env by the root\nconst l = 1;'),
    ).toBe(false);
    expect(readsEnvironment('functions/http/log.ts', '/** parses `process.env` */ const l = 1;')).toBe(false);
    expect(readsEnvironment('functions/composition/env.ts', 'const e = process.env;')).toBe(false);
    expect(readsEnvironment('lib/stack.ts', 'const e = process.env.CDK_DEFAULT_ACCOUNT;')).toBe(false);
  });

  it('passes on the repository', () => {
    expect(checkLayers('.')).toEqual([]);
  });
});
