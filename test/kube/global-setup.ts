/**
 * The real-cluster tier's one cluster: SDRAIN_E2E_KUBECONFIG when set, otherwise a real control
 * plane started here with `scripts/kube-up.mjs` (built by `npm run kube:build`) and stopped at
 * the end — or, with SDRAIN_E2E_BACKEND=sim (`npm run test:kube:sim`), an empty `sdrain sim`
 * with RBAC enforced, so the very same scenarios measure where the simulator differs. Before any test, it refuses a cluster that runs workloads outside the suite's own
 * namespaces unless SDRAIN_E2E_ALLOW_FOREIGN_WORKLOADS=1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kubectlBinary } from '../../bench/lib/kubectl-binary.js';
import { REPO_ROOT } from '../../bench/lib/bench-paths.js';
import { controlUrlOf, startKubeUpProcess, startSimProcess } from '../../bench/lib/sim-process.js';
import { E2ECluster, OWNED_LABEL } from './harness/e2e-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    /** "local": the real control plane started here; "sim": `sdrain sim`; "external": SDRAIN_E2E_KUBECONFIG. */
    clusterKind: 'local' | 'sim' | 'external';
    /** kube-up's fault-injection endpoint (stop/start a component); '' when the cluster is not ours. */
    control: string;
  }
}

/** Names the workloads that are not the suite's own; empty when the cluster is safe to use. */
async function foreignWorkloads(cluster: E2ECluster): Promise<string[]> {
  const owned = new Set((await cluster.core.listNamespace({ labelSelector: `${OWNED_LABEL}=true` })).items.map((n) => n.metadata!.name!));
  const found: string[] = [];
  const add = (kind: string, items: { metadata?: { namespace?: string; name?: string } }[]) => {
    for (const o of items) if (!owned.has(o.metadata?.namespace ?? '')) found.push(`${kind} ${o.metadata?.namespace}/${o.metadata?.name}`);
  };
  add('Deployment', (await cluster.apps.listDeploymentForAllNamespaces()).items);
  add('StatefulSet', (await cluster.apps.listStatefulSetForAllNamespaces()).items);
  add('DaemonSet', (await cluster.apps.listDaemonSetForAllNamespaces()).items);
  add('Pod', (await cluster.core.listPodForAllNamespaces()).items);
  return found.sort();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await kubectlBinary();
  const external = process.env.SDRAIN_E2E_KUBECONFIG;
  let stop = async () => {};
  let kubeconfig: string;
  let control = '';
  const sim = !external && process.env.SDRAIN_E2E_BACKEND === 'sim';
  if (external) {
    kubeconfig = external;
  } else if (sim) {
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-sim-e2e-'));
    kubeconfig = join(dir, 'kubeconfig');
    const empty = join(dir, 'empty.yaml');
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    writeFileSync(empty, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [ns('default'), ns('kube-system'), ns('kube-node-lease')] }));
    const proc = await startSimProcess(['--from', empty, '--kubeconfig-out', kubeconfig, '--rbac'], { timeoutMs: 60_000 });
    stop = async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-e2e-'));
    kubeconfig = join(dir, 'kubeconfig');
    const logDir = join(REPO_ROOT, '.cache/kube-logs');
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    const started = performance.now();
    const proc = await startKubeUpProcess(['--kubeconfig-out', kubeconfig, '--log-dir', logDir], { timeoutMs: 300_000 });
    control = controlUrlOf(proc.stdout());
    process.stderr.write(`real control plane ready in ${((performance.now() - started) / 1000).toFixed(1)} s (logs at the end in .cache/kube-logs)\n`);
    stop = async () => {
      const code = await proc.stop();
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) process.stderr.write(`kube:up exited ${code}: ${proc.stderr().slice(-2000)}\n`);
    };
  }
  try {
    const cluster = new E2ECluster(kubeconfig);
    const foreign = await foreignWorkloads(cluster);
    if (foreign.length && process.env.SDRAIN_E2E_ALLOW_FOREIGN_WORKLOADS !== '1') {
      throw new Error(
        `refusing to run the real-cluster tier on ${cluster.server}: it runs workloads outside the suite's own namespaces (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? `, and ${foreign.length - 5} more` : ''}). ` +
          'The suite creates nodes and drains them; set SDRAIN_E2E_ALLOW_FOREIGN_WORKLOADS=1 to proceed anyway.',
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  project.provide('kubeconfig', kubeconfig);
  project.provide('clusterKind', external ? 'external' : sim ? 'sim' : 'local');
  project.provide('control', control);
  return stop;
}
