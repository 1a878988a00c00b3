/**
 * A value built on its first use, then kept: for module-level objects that cost something to build (a
 * Markdown parser, a zod schema) and that some of the bundles importing their module never use. Built at
 * module load, they would cost every one of those functions' cold starts (and keep their library in the
 * bundle: esbuild cannot drop a module whose top level calls into it); built here, only the code paths
 * that need them pay, once per process. A build that throws is tried again on the next use.
 */
export function lazy<T>(build: () => T): () => T {
  let built = false;
  let value: T | undefined;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
