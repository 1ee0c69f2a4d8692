/**
 * Starts a simulator for a test: writes its kubeconfig to a temp dir, gives a kubectl runner
 * bound to it and a client-node KubeConfig. Call stop() in afterAll/afterEach — it stops the
 * server, every kubectl started through it, and removes the temp files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/model/k8s.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { FAST_TERMINATION_MS } from '../../src/sim/controllers/sim-annotations.js';
import { runKubectl, startKubectl, type KubectlProcess, type KubectlResult } from './kubectl.js';

export interface TestSimOptions extends Omit<SimulatorOptions, 'text' | 'objects'> {
  /** Path of a dump file to load. */
  file?: string;
  /** Or YAML/JSON text. */
  yaml?: string;
  objects?: KubeObject[];
}

export interface TestSim {
  url: string;
  kubeconfigPath: string;
  sim: Simulator;
  store: Simulator['store'];
  kc: KubeConfig;
  /** Runs kubectl against this simulator with a private discovery cache. */
  kubectl(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. `get -w`); stopped automatically by stop(). */
  kubectlBackground(args: string[]): Promise<KubectlProcess>;
  stop(): Promise<void>;
}

/** Starts a simulator for a test (port 0 on 127.0.0.1). */
export async function startTestSim(opts: TestSimOptions = {}): Promise<TestSim> {
  const { file, yaml, objects, ...rest } = opts;
  const text = file !== undefined ? readFileSync(file, 'utf8') : yaml;
  // Drains in unit and integration tests stay fast: pods go 1 s after deletion unless a test
  // asks for the real grace period (maxTerminationMs: undefined is not expressible here, so a
  // test that wants it passes a large number).
  const sim = await startSimulator({ maxTerminationMs: FAST_TERMINATION_MS, ...rest, ...(text !== undefined ? { text, file: file ?? '<yaml>' } : { objects: objects ?? [] }) });
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-sim-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, sim.kubeconfig, { mode: 0o600 });
  const cacheDir = join(dir, 'kubectl-cache');
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  const background = new Set<KubectlProcess>();
  return {
    url: sim.url,
    kubeconfigPath,
    sim,
    store: sim.store,
    kc,
    kubectl: (args, o = {}) => runKubectl(args, { kubeconfig: kubeconfigPath, cacheDir, timeoutMs: o.timeoutMs ?? 60_000, input: o.input }),
    async kubectlBackground(args) {
      const p = await startKubectl(args, { kubeconfig: kubeconfigPath, cacheDir });
      background.add(p);
      return p;
    },
    async stop() {
      await Promise.all([...background].map((p) => p.stop()));
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `check` holds, checked now and after every store write; fails after `ms`. */
export function untilStore(sim: { store: Simulator['store'] }, check: () => boolean, ms: number, what = 'a condition on the cluster'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = sim.store.on(() => {
      if (!check()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
