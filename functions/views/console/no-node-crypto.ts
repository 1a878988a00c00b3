/**
 * Stands in for `node:crypto` in the console's browser bundle (lib/console-bundle.ts aliases it): the
 * shared domain modules the console uses (the Markdown document model) import it for content hashes,
 * which the console never computes. Calling it is a bug, and says so.
 */
export function createHash(): never {
  throw new Error('node:crypto is not available in the console');
}
