/**
 * policyctl's help, version and start, through the real binary (node bin/policyctl.mjs) as users run it.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../bin/cli/main';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function policyctl(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [join(cwd, 'bin/policyctl.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The flags a help text lists in its `Options:` and `Global options` blocks, in order. */
const listedFlags = (help: string) =>
  help
    .split('\n\n')
    .filter((block) => /^(?:Options:|Global options)/.test(block))
    .flatMap((block) => [...block.matchAll(/^ +(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]));

describe('policyctl --version', () => {
  it("prints the package's version and exits 0, also after a command", () => {
    for (const args of [['--version'], ['status', '--version']]) {
      expect(policyctl(args)).toEqual({ code: 0, stdout: `policyctl ${pkg.version}\n`, stderr: '' });
    }
  });
});

describe('policyctl with no arguments', () => {
  it('prints the help on stdout and exits 0', () => {
    const bare = policyctl([]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toBe('');
    expect(bare.stdout).toBe(policyctl(['--help']).stdout);
    expect(bare.stdout).toContain('Usage: policyctl [global options] <command>');
    for (const c of COMMANDS) expect(bare.stdout).toContain(`  ${c.name} `);
  });
});

describe('policyctl <command> --help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: a Usage line, every option listed once',
    (name, c) => {
      const run = policyctl([...name.split(' '), '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(`Usage: policyctl ${c.usage}`);
      const flags = listedFlags(run.stdout);
      expect(flags).toContain('--endpoint');
      expect(flags).toContain('--json');
      expect(flags.filter((f, i) => flags.indexOf(f) !== i)).toEqual([]);
    },
  );

  it('shows a Usage line for a command group too (policyctl customers, policyctl export)', () => {
    expect(policyctl(['customers']).stdout).toMatch(/^Usage: policyctl customers import <file\.csv>/);
    expect(policyctl(['export', '--help']).stdout).toMatch(
      /^Usage: policyctl export acknowledgments <policyId>/,
    );
  });

  it('status --help reads as sentences, with --json described once', () => {
    const run = policyctl(['help', 'status']);
    expect(run.stdout).toBe(policyctl(['status', '--help']).stdout);
    expect(run.stdout.split('\n\nGlobal options')[0]).toBe(
      [
        'Usage: policyctl status <userId> <policyId>',
        '',
        'Must this user acknowledge the policy (again)?',
        '',
        'Arguments:',
        '  <userId>     the user, as your app identifies them',
        '  <policyId>   the policy, e.g. privacy',
        '',
        'Options:',
        "  --json       print the API's answer as JSON",
        '',
        'The exit code is 0 whatever the answer; read "mustAcknowledge" from --json in scripts.',
        'Needs an app token (--token, POLICY_TOKEN or POLICY_APP_TOKEN).',
      ].join('\n'),
    );
    expect(listedFlags(run.stdout)).toEqual(['--json', '--endpoint', '--token', '--help', '--version']);
  });
});

describe('policyctl start', () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const c of copies) rmSync(c, { recursive: true, force: true });
  });

  /** The project's sources in a temp folder whose node_modules has esbuild only: no tsx to fall back on. */
  function copyWithoutTsx(): string {
    const dir = mkdtempSync(join(tmpdir(), 'policyctl-start-'));
    copies.push(dir);
    const skip = new Set([
      'node_modules',
      '.git',
      'dist',
      '.data',
      'cdk.out',
      'reports',
      'test-results',
      'coverage',
    ]);
    cpSync(root, dir, { recursive: true, filter: (src) => !skip.has(src.slice(root.length).split('/')[0]!) });
    // Every installed package but tsx (and the .bin links to it): the CLI's own dependencies stay.
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(root, 'node_modules')))
      if (name !== 'tsx' && name !== '.bin')
        symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
    return dir;
  }

  it('runs a prebuilt bundle, built on first use and rebuilt when a source changes, without tsx', {
    timeout: 120_000,
  }, () => {
    const dir = copyWithoutTsx();
    const bundle = join(dir, 'dist/policyctl.mjs');
    expect(policyctl(['--version'], dir)).toMatchObject({ code: 0, stdout: `policyctl ${pkg.version}\n` });
    const built = statSync(bundle).mtimeMs;

    expect(policyctl(['status', '--help'], dir).code).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(built); // fresh: not rebuilt

    const main = join(dir, 'bin/cli/commands/status.ts');
    writeFileSync(
      main,
      readFileSync(main, 'utf8').replace('must this user acknowledge', 'does this user owe'),
    );
    const later = new Date(Date.now() + 5_000);
    utimesSync(main, later, later);
    const edited = policyctl(['status', '--help'], dir);
    expect(edited.stdout).toContain('Does this user owe the policy (again)?');
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(built);
  });
});
