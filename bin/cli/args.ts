/** Argument helpers on top of node:util parseArgs: typed reads of its loosely typed `values`. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
}

export function parse(args: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (e) {
    // parseArgs explains itself well ("Unknown option '--x'..."); keep its first sentence only.
    const message = e instanceof Error ? e.message.split('. ')[0]! : String(e);
    throw usageError(message.replace(/\.$/, ''));
  }
}

export function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: Values, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

export const flag = (values: Values, name: string): boolean => values[name] === true;

export function intOption(
  values: Values,
  name: string,
  range: { min: number; max?: number },
): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  return parseInteger(raw, `--${name}`, range);
}

export function parseInteger(raw: string, what: string, range: { min: number; max?: number }): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < range.min || n > max) {
    const bound = range.max === undefined ? `at least ${range.min}` : `${range.min}..${range.max}`;
    throw usageError(`${what} must be an integer ${bound}, not '${raw}'`);
  }
  return n;
}

export function numberOption(values: Values, name: string, min: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min) {
    throw usageError(`--${name} must be a number of at least ${min}, not '${raw}'`);
  }
  return n;
}

/** `vi=./v3.vi.txt` → ['vi', './v3.vi.txt']; the key must be non-empty and unique across the list. */
export function keyValues(items: string[], option: string, shape: string): [string, string][] {
  const seen = new Set<string>();
  return items.map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw usageError(`--${option} expects ${shape}, not '${item}'`);
    const key = item.slice(0, at);
    if (seen.has(key.toLowerCase())) throw usageError(`--${option} ${key} is given twice`);
    seen.add(key.toLowerCase());
    return [key, item.slice(at + 1)];
  });
}

export function positionalsExactly(positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    throw usageError(
      `missing ${names
        .slice(positionals.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (positionals.length > names.length) {
    throw usageError(`unexpected argument '${positionals[names.length]}'`);
  }
  return positionals;
}
