/**
 * Runs the built CLI (`node bin/sdrain.js`, needs `npx tsc -p tsconfig.build.json` first) as a
 * user would: no TTY, the given cwd and environment, optional stdin. Kills it after a deadline
 * so a hung command fails its test instead of the suite.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../bench/lib/run-process.js';

// One way to find the repository, also from the compiled copy benchmarks run (.cache/bench-build).
import { REPO_ROOT, SDRAIN_BIN } from '../../bench/lib/bench-paths.js';
export { REPO_ROOT, SDRAIN_BIN };

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

/**
 * Fails (never skips) when dist/ is not built: a test of the binary must not pass vacuously.
 * Call it first in every test that runs the CLI binary.
 */
export function requireBuiltCli(): void {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npm run build` (npm test does) before the tests of the CLI binary');
}

export async function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: opts.cwd, NO_COLOR: '1', ...opts.env };
  const { code, stdout, stderr } = await runProcess(process.execPath, [SDRAIN_BIN, ...args], {
    cwd: opts.cwd,
    env: env as NodeJS.ProcessEnv,
    timeoutMs: opts.timeoutMs ?? 60_000,
    input: opts.input ?? '',
    label: `test helper: sdrain ${args.join(' ')}`,
  });
  return { code, stdout, stderr };
}
