/**
 * The one place the bundled code gets zod from: `zod/mini` (tree-shakable functions, about a third of
 * the classic API's bundle size and import time; see the bundle figures in README "Benchmarks") with only
 * the English messages loaded. Modules write `import * as z from '../domain/schema'`.
 *
 * Only the functions in use are re-exported, by name: re-exporting zod's whole namespace object would
 * stop esbuild from tree-shaking it and pull every locale into each Lambda bundle.
 */
import { config, int, maximum, minimum, regex, string } from 'zod/mini';
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
  record,
  refine,
  regex,
  registry,
  strictObject,
  string,
  toJSONSchema,
  transform,
  unknown,
} from 'zod/mini';

/** `string()` matching `pattern`, with `message` when it does not. */
export const matching = (pattern: RegExp, message?: string) => string().check(regex(pattern, message));

/** An integer in [min, max]. */
export const intIn = (min: number, max = Number.MAX_SAFE_INTEGER) => int().check(minimum(min), maximum(max));
