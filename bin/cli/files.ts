/** Reading the user's input files: UTF-8 only, a clear usage error when a file cannot be read. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { usageError } from './errors';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export async function readUtf8(cwd: string, path: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(cwd, path));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? 'unreadable');
    throw usageError(`cannot read ${what} ${path}: ${why}`);
  }
  try {
    // With ignoreBOM false the decoder drops a leading BOM, which editors on Windows like to add.
    return decoder.decode(bytes);
  } catch {
    throw usageError(`${what} ${path} is not valid UTF-8`);
  }
}
