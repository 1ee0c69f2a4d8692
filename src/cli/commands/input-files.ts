/**
 * Reading the files a command is given and writing the ones it produces, with errors a user
 * can act on. Paths are resolved against CliIO.cwd; messages show them as the user typed them.
 */
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { SdrainError } from '../../errors.js';
import type { CliIO } from '../io.js';

/** Reads a UTF-8 text file; `what` names it in messages ("maintenance spec"). */
export async function readInputFile(io: CliIO, path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SdrainError('FILE_NOT_FOUND', `Cannot read ${what} ${path}: no such file`);
    if (code === 'EISDIR') throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: it is a directory`);
    throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/** Writes a file whole or not at all (temporary file, then rename), so a reader never sees half a plan. */
export async function writeOutputFile(io: CliIO, path: string, text: string, what: string): Promise<void> {
  const target = resolve(io.cwd, path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new SdrainError('INPUT_INVALID', `Cannot write ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
