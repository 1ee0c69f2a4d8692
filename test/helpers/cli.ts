/**
 * Runs the built CLI (`node bin/sdrain.js`, needs `npx tsc -p tsconfig.build.json` first) as a
 * user would: no TTY, the given cwd and environment, optional stdin. Kills it after a deadline
 * so a hung command fails its test instead of the suite.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SDRAIN_BIN = join(REPO_ROOT, 'bin/sdrain.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd: string;
  /** The whole environment of the child (PATH and HOME are added from this process if absent). */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** True when dist/ has been built (the binary imports dist/cli/main.js). */
export function cliIsBuilt(): boolean {
  return existsSync(join(REPO_ROOT, 'dist/cli/main.js'));
}

export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: opts.cwd, NO_COLOR: '1', ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SDRAIN_BIN, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sdrain ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
