/**
 * Reading the files a command is given and writing the ones it produces, with errors a user
 * can act on. Paths are resolved against CliIO.cwd; messages show them as the user typed them.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { readFile, rename, writeFile, unlink, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, basename, join, resolve } from 'node:path';
import { SdrainError } from '../errors.js';
import type { CliIO } from './io.js';

/** Reads a UTF-8 text file; `what` names it in messages ("maintenance spec"). */
export async function readInputFile(io: CliIO, path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SdrainError('FILE_NOT_FOUND', `Cannot read ${what} ${path}: no such file`);
    if (code === 'EISDIR') throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: it is a directory`);
    throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${describeFsError(err)}`);
  }
}

/** Read-stream chunks: 1 MiB, so large files take few reads. */
const STREAM_CHUNK = 1 << 20;

/** A file checked to be readable: its size, and two ways to read it. */
export interface InputFile {
  /** Size in bytes when checked. */
  size: number;
  /** Opens it as a stream of byte chunks (each call starts again from the beginning). */
  open: () => AsyncIterable<Uint8Array>;
  /** Reads it whole as UTF-8 (rejects with Node's ERR_STRING_TOO_LONG past ~512 MiB). */
  readText: () => Promise<string>;
}

/**
 * Checks that a file can be read (same messages as readInputFile) and returns its size and
 * readers: a stream for files too large to hold as one string, a whole read for the others.
 */
export async function openInputStream(io: CliIO, path: string, what: string): Promise<InputFile> {
  const abs = resolve(io.cwd, path);
  let size: number;
  try {
    const st = await stat(abs);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SdrainError('FILE_NOT_FOUND', `Cannot read ${what} ${path}: no such file`);
    if (code === 'EISDIR') throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: it is a directory`);
    throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${describeFsError(err)}`);
  }
  const readText = async (): Promise<string> => {
    try {
      // Not fs.promises.readFile(abs, 'utf8'): it decodes 512 KiB pieces into a rope of strings,
      // which the first look at the text then copies flat (≈ 0.25 s for 100 MiB). The
      // synchronous read decodes once into one flat string; nothing else runs meanwhile.
      return readFileSync(abs, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG' || err instanceof RangeError) throw err;
      throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${describeFsError(err)}`);
    }
  };
  return { size, open: () => readChunks(abs, path, what), readText };
}

async function* readChunks(abs: string, path: string, what: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(abs, { highWaterMark: STREAM_CHUNK })) yield chunk as Buffer;
  } catch (err) {
    throw new SdrainError('INPUT_INVALID', `Cannot read ${what} ${path}: ${describeFsError(err)}`);
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
    throw outputError(err, what, path);
  }
}

/**
 * Writes a file whole or not at all (temporary file, then rename), so a reader never sees half
 * a plan: the one atomic write of the CLI (plans, snapshots, kubeconfigs). `mode` 0o600 for
 * files holding credentials.
 */
export async function writeOutputFile(io: Pick<CliIO, 'cwd'>, path: string, text: string, what: string, opts: { mode?: number } = {}): Promise<void> {
  const target = resolve(io.cwd, path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', ...(opts.mode !== undefined ? { mode: opts.mode } : {}) });
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw outputError(err, what, path);
  }
}

const FS_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EDQUOT: 'the disk quota is exceeded',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
};

/** A file-system failure as a short phrase from its code (never the raw message, which repeats the absolute path). */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? 'the operating system refused' : `${FS_ERRORS[code] ?? 'failed'} (${code})`;
}

/** OUTPUT_WRITE_FAILED for a file sdrain was asked to write: `what` names it ("plan file"). */
export function outputError(err: unknown, what: string, path: string): SdrainError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const hint =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'Create the directory first, or pass another path.'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'Choose a path you can write to.'
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? 'Free some space, or write elsewhere.'
          : undefined;
  return new SdrainError('OUTPUT_WRITE_FAILED', `Cannot write ${what} ${path}: ${describeFsError(err)}`, { hint, cause: err });
}
