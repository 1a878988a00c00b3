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
  refusePrototypeKeys(value, what);
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

/**
 * `__proto__` as a JSON key is data to JSON.parse but would set a prototype anywhere the object is
 * copied, and zod drops it silently: refused with its path, wherever it stands. Iterative, so any
 * nesting depth the body limit allows is fine.
 */
function refusePrototypeKeys(value: unknown, what: string) {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__'))
      throw validationFailed(`the ${what} is not valid`, [
        { path: path ? `${path}.__proto__` : '__proto__', message: 'reserved key' },
      ]);
    for (const [key, child] of Object.entries(v)) stack.push([child, path ? `${path}.${key}` : key]);
  }
}

/** No CR, LF or NUL: values that may end up in mail headers or logs. */
export const SINGLE_LINE = /^[^\r\n\0]*$/;
