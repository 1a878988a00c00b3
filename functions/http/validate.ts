import { validationFailed } from '../domain/errors';
import type * as z from '../domain/schema';

/**
 * Validates a request body against a schema. Unknown fields are rejected (schemas are strict), so a
 * misspelt option is reported instead of silently ignored.
 */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  what = 'request body',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationFailed(
    `the ${what} is not valid`,
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message:
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}

/** No CR, LF or NUL: values that may end up in mail headers or logs. */
export const SINGLE_LINE = /^[^\r\n\0]*$/;
