/**
 * Runs a child process to completion with a deadline, capturing its output and wall time.
 * With `measure`, it runs under /usr/bin/time -v (when present) to read the peak resident
 * memory of the child itself, not of the benchmark.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak RSS of the child in MiB (only with measure and /usr/bin/time). */
  maxRssMiB?: number;
  /** CPU time (user + system) of the child in ms (only with measure and /usr/bin/time). */
  cpuMs?: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  measure?: boolean;
  /** Written to the child's stdin, which is then closed (stdin is ignored when absent). */
  input?: string;
  /** Names the process in the note added to stderr when the deadline kills it. */
  label?: string;
}

const TIME = '/usr/bin/time';

export function runProcess(file: string, args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
  const useTime = opts.measure === true && existsSync(TIME);
  const [cmd, argv] = useTime ? [TIME, ['-v', file, ...args]] : [file, args];
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // stdout and stderr are always pipes (only stdin varies).
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timeout = opts.timeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      stderr += `\n[${opts.label ?? 'bench'}] killed after ${timeout} ms\n`;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - start;
      const m = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr) : null;
      const user = useTime ? /User time \(seconds\): ([\d.]+)/.exec(stderr) : null;
      const sys = useTime ? /System time \(seconds\): ([\d.]+)/.exec(stderr) : null;
      const cpu = user && sys ? { cpuMs: (Number(user[1]) + Number(sys[1])) * 1000 } : {};
      resolve({ code, stdout, stderr, wallMs, ...(m ? { maxRssMiB: Number(m[1]) / 1024 } : {}), ...cpu });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
