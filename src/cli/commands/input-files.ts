/**
 * Reading the files a command is given and writing the ones it produces, with errors a user
 * can act on. Paths are resolved against CliIO.cwd; messages show them as the user typed them.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, writeFile, unlink, stat } from 'node:fs/promises';
import { once } from 'node:events';
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

/** Read-stream chunks: 1 MiB, so large files take few reads. */
const STREAM_CHUNK = 1 << 20;

/**
 * Checks that a file can be read (same messages as readInputFile) and returns a function that
 * opens it as a stream of byte chunks (each call starts again from the beginning): for files
 * too large to hold as one string.
 */
export async function openInputStream(io: CliIO, path: string, what: string): Promise<() => AsyncIterable<Uint8Array>> {
  const abs = resolve(io.cwd, path);
  try {
    const st = await stat(abs);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SdrainError('FILE_NOT_FOUND', `Cannot read ${what} ${path}: no such file`);
    if (code === 'EISDIR') throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: it is a directory`);
    throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  return () => readChunks(abs, path, what);
}

async function* readChunks(abs: string, path: string, what: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(abs, { highWaterMark: STREAM_CHUNK })) yield chunk as Buffer;
  } catch (err) {
    throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Writes text given in chunks (of any total size) whole or not at all, like writeOutputFile:
 * for output larger than one string can hold.
 */
export async function writeOutputChunks(io: CliIO, path: string, chunks: Iterable<string>, what: string): Promise<void> {
  const target = resolve(io.cwd, path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    failed.catch(() => undefined);
    for (const chunk of chunks) {
      if (!out.write(chunk, 'utf8')) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'close'), failed]);
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new SdrainError('INPUT_INVALID', `Cannot write ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
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
