/**
 * Starts a cluster process — `sdrain sim` or the real control plane's `scripts/kube-up.mjs`,
 * which share one contract — and resolves once it printed its ready line (or rejects, having
 * stopped it, when it exits first or misses the deadline). Used by the benchmarks and by tests
 * that need the real binary rather than the in-process simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, SDRAIN_BIN } from './bench-paths.js';

export interface SimProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** The exit code (null when killed by a signal), once it exits. */
  exited: Promise<number | null>;
  /** Wall time from spawn to the ready line. */
  readyMs: number;
  /** SIGTERM, then SIGKILL (of its whole process group for kube:up) after a grace; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface SimProcessOptions {
  /** Node.js flags before the script (e.g. --max-old-space-size). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** How long stop() waits after SIGTERM before killing (default 5 s). */
  stopGraceMs?: number;
}

/** `sdrain sim <args>`; args are what follows `sim` (--from, --kubeconfig-out, ...). */
export function startSimProcess(args: string[], opts: SimProcessOptions): Promise<SimProcess> {
  return startReadyProcess('sdrain sim', [SDRAIN_BIN, 'sim', ...args], opts);
}

/** kube:up's fault-injection endpoint, as its ready line names it ('' when absent). */
export function controlUrlOf(readyLine: string): string {
  return /control (http:\/\/127\.0\.0\.1:\d+\/\S+?);/.exec(readyLine)?.[1] ?? '';
}

/** `node scripts/kube-up.mjs <args>`: the real control plane (etcd, apiserver, controllers, kwok). */
export function startKubeUpProcess(args: string[], opts: SimProcessOptions): Promise<SimProcess> {
  // Its own process group, so a stop that has to force it also takes down the five components.
  return startReadyProcess('kube:up', [join(REPO_ROOT, 'scripts/kube-up.mjs'), ...args], { stopGraceMs: 60_000, ...opts }, true);
}

async function startReadyProcess(label: string, scriptArgs: string[], opts: SimProcessOptions, ownGroup = false): Promise<SimProcess> {
  const start = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...scriptArgs], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, detached: ownGroup });
  const forceKill = () => {
    if (!ownGroup || child.pid === undefined) return void child.kill('SIGKILL');
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(forceKill, opts.stopGraceMs ?? 5000);
      const code = await exited;
      clearTimeout(t);
      return code;
    }
    return exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} not ready after ${opts.timeoutMs} ms (stderr: ${err.slice(-2000)})`)), opts.timeoutMs);
      child.stdout.on('data', () => {
        if (out.includes('ready at')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code}) before it was ready: ${err.slice(-2000)}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, stdout: () => out, stderr: () => err, exited, readyMs: performance.now() - start, stop };
}
