/**
 * The one place the bundled code gets zod from: `zod/mini` (tree-shakable functions, about a third of
 * the classic API's bundle size and import time; see the bundle figures in README "Benchmarks") with only
 * the English messages loaded. Modules write `import * as z from '../domain/schema'`.
 *
 * Only the functions in use are re-exported, by name: re-exporting zod's whole namespace object would
 * stop esbuild from tree-shaking it and pull every locale into each Lambda bundle.
 */
import {
  config,
  int,
  maximum,
  minimum,
  overwrite,
  refine,
  regex,
  record as zodRecord,
  string as zodString,
} from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export type { infer, input, ZodMiniObject, ZodMiniType } from 'zod/mini';
export {
  _default,
  array,
  boolean,
  coerce,
  discriminatedUnion,
  enum,
  int,
  iso,
  literal,
  looseObject,
  maximum,
  maxLength,
  minimum,
  minLength,
  nullable,
  number,
  optional,
  pipe,
  refine,
  regex,
  registry,
  strictObject,
  toJSONSchema,
  transform,
  unknown,
} from 'zod/mini';

/**
 * Where a text breaks the one input rule every string field follows (issue 11): no lone UTF-16
 * surrogate (no UTF-8 or SES can carry it), no U+FFFE/U+FFFF (noncharacters, illegal in XML) and no C0
 * control other than tab, LF and CR. -1 when the text is valid. One pass, no regex.
 */
export function invalidCharacterAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return i;
      i++;
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) return i;
  }
  return -1;
}

export const VALID_UNICODE_MESSAGE =
  'must be valid Unicode text: no lone surrogates, no U+FFFE/U+FFFF, no control characters other than tab, LF and CR';

const validUnicode = refine<string>((text) => invalidCharacterAt(text) === -1, VALID_UNICODE_MESSAGE);

/**
 * zod's `string()` with the valid-Unicode rule built in, so that every string field of every route
 * (and every record key) follows it and answers 400 with the field's path: the one place the rule lives.
 */
export const string = (params?: Parameters<typeof zodString>[0]) => zodString(params).check(validUnicode);

type KeySchema = Parameters<typeof zodRecord>[0];
type ValueSchema = Parameters<typeof zodRecord>[1];

/**
 * zod's `record()` read as a null-prototype object: keys such as `constructor` or `toString` are plain
 * data, never inherited members. (`__proto__`, which zod would silently drop, is refused before any
 * schema runs: see `parseWith`.) An `overwrite` check, not a transform: the type is unchanged, so JSON Schema
 * generation (docs/openapi.json) still describes the record in input and output mode.
 */
export const record = <K extends KeySchema, V extends ValueSchema>(key: K, value: V) =>
  zodRecord(key, value).check(
    overwrite((parsed) => Object.assign(Object.create(null), parsed) as typeof parsed),
  );

/** `string()` (valid Unicode) matching `pattern`, with `message` when it does not. */
export const matching = (pattern: RegExp, message?: string) => string().check(regex(pattern, message));

/** An integer in [min, max]. */
export const intIn = (min: number, max = Number.MAX_SAFE_INTEGER) => int().check(minimum(min), maximum(max));
