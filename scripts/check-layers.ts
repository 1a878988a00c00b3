/**
 * The layer rules, checked on every import (`npm run lint` runs this after biome):
 *
 * - functions/domain imports only functions/domain (and a few pure packages: hashing, zod, markdown-it);
 * - functions/usecases imports only the domain, the ports (functions/ports.ts) and other use cases;
 * - functions/views imports only the domain and other views;
 * - use cases and views import no infrastructure package (AWS SDK, Powertools, Lambda types);
 * - nothing under functions/ or lib/ imports bin/;
 * - under functions/, only the composition root (functions/composition) reads `process.env`.
 *
 * The composition root (functions/composition) may import anything in functions/. Usage:
 * `tsx scripts/check-layers.ts [--root DIR]`: DIR (default: the repository) holds functions/ and lib/.
 * Exits 1 listing every violation as `file: imports 'x' (rule)`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';

type Layer = 'domain' | 'usecases' | 'views' | 'ports' | 'functions' | 'lib' | 'bin' | 'other';

const DOMAIN_PACKAGES = new Set(['node:crypto', 'markdown-it', 'zod/mini', 'zod/v4/locales/en.js']);
const INFRASTRUCTURE = /^(@aws-sdk\/|@aws-lambda-powertools\/|aws-lambda$|aws-cdk-lib|constructs$)/;

function layerOf(path: string): Layer {
  if (path.startsWith('functions/domain/')) return 'domain';
  if (path.startsWith('functions/usecases/')) return 'usecases';
  if (path.startsWith('functions/views/')) return 'views';
  if (path === 'functions/ports.ts' || path === 'functions/ports') return 'ports';
  if (path.startsWith('functions/')) return 'functions';
  if (path.startsWith('lib/')) return 'lib';
  if (path.startsWith('bin/') || path === 'bin') return 'bin';
  return 'other';
}

/** Every module specifier of a file: static imports and re-exports, dynamic imports. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** The rule an import breaks, or null. `from` and the resolved target are paths relative to the root. */
export function violation(from: string, specifier: string): string | null {
  const source = layerOf(from);
  if (!specifier.startsWith('.')) {
    if (source === 'domain' && !DOMAIN_PACKAGES.has(specifier))
      return 'the domain imports no package but hashing, zod and markdown-it';
    if ((source === 'usecases' || source === 'views') && INFRASTRUCTURE.test(specifier))
      return `${source} import no infrastructure package`;
    return null;
  }
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const layer = layerOf(target);
  if (
    (source === 'domain' ||
      source === 'usecases' ||
      source === 'views' ||
      source === 'ports' ||
      source === 'functions' ||
      source === 'lib') &&
    layer === 'bin'
  )
    return 'nothing under functions/ or lib/ imports bin/';
  if (source === 'domain' && layer !== 'domain') return 'the domain imports only the domain';
  if (source === 'usecases' && !['domain', 'ports', 'usecases'].includes(layer))
    return 'use cases import only the domain, the ports and use cases';
  if (source === 'views' && !['domain', 'views'].includes(layer))
    return 'views import only the domain and views';
  if (source === 'ports' && layer !== 'domain') return 'the ports import only the domain';
  return null;
}

/** Whether a file under functions/ but outside the composition root reads the environment. */
export function readsEnvironment(from: string, source: string): boolean {
  if (!from.startsWith('functions/') || from.startsWith('functions/composition/')) return false;
  // Code only: a comment may name the variable the composition root reads.
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  return /\bprocess\s*\.\s*env\b|\bprocess\s*\[\s*['"]env['"]\s*\]/.test(code);
}

function* tsFiles(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') yield* tsFiles(path);
    } else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

export function checkLayers(root: string): string[] {
  const problems: string[] = [];
  for (const top of ['functions', 'lib']) {
    for (const file of tsFiles(join(root, top))) {
      const from = relative(root, file).split(sep).join('/');
      const source = readFileSync(file, 'utf8');
      for (const specifier of specifiers(source)) {
        const rule = violation(from, specifier);
        if (rule) problems.push(`${from}: imports '${specifier}' (${rule})`);
      }
      if (readsEnvironment(from, source))
        problems.push(`${from}: reads process.env (only functions/composition reads the environment)`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const at = process.argv.indexOf('--root');
  const root = resolve(at > 0 ? process.argv[at + 1]! : join(dirname(import.meta.filename), '..'));
  const problems = checkLayers(root);
  if (problems.length > 0) {
    process.stderr.write(
      `Layer rules broken (scripts/check-layers.ts):\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('layers: every import points inward\n');
}
