/**
 * The baseline the demo compares against: what `kubectl drain --ignore-daemonsets
 * --delete-emptydir-data` does. Cordon the nodes, then ask the Eviction API for every pod on
 * them at once; a pod a PodDisruptionBudget protects (429) is asked again every 5 s, like
 * kubectl, until `retryForMs` runs out.
 */
import type { ClusterGateway } from '../cluster/cluster-gateway.js';
import type { Pod } from '../model/k8s.js';

export interface PlainEvictionResult {
  /** "ns/name" of pods the Eviction API accepted, sorted. */
  evicted: string[];
  /** Pods still refused when retrying stopped, with the last message. */
  refused: { pod: string; message: string }[];
  /** 429 answers received along the way. */
  retries: number;
}

export interface PlainEvictionOptions {
  retryIntervalMs?: number;
  retryForMs?: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  onLine?(line: string): void;
}

function skipped(pod: Pod): boolean {
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.some((o) => o.kind === 'DaemonSet')) return true;
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return true;
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Cordons `nodes` and evicts all their pods concurrently, retrying 429s. */
export async function plainEviction(gateway: ClusterGateway, nodes: readonly string[], opts: PlainEvictionOptions): Promise<PlainEvictionResult> {
  const interval = opts.retryIntervalMs ?? 5000;
  const deadline = opts.now() + (opts.retryForMs ?? 30_000);
  for (const node of nodes) {
    await gateway.patchNode(node, { unschedulable: true });
    opts.onLine?.(`node ${node} cordoned`);
  }
  const pods: Pod[] = [];
  for (const node of nodes) pods.push(...(await gateway.listPods({ nodeName: node })).filter((p) => !skipped(p)));
  pods.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`, 'en'));
  const evicted: string[] = [];
  const refused: { pod: string; message: string }[] = [];
  let retries = 0;
  await Promise.all(
    pods.map(async (pod) => {
      const ns = pod.metadata.namespace ?? 'default';
      const ref = `${ns}/${pod.metadata.name}`;
      for (;;) {
        const outcome = await gateway.evictPod(ns, pod.metadata.name, pod.metadata.uid ?? '');
        if (outcome.kind === 'evicted' || outcome.kind === 'gone') {
          evicted.push(ref);
          opts.onLine?.(`evicting pod ${ref}`);
          return;
        }
        const message = outcome.message;
        if (opts.now() + interval > deadline) {
          refused.push({ pod: ref, message });
          opts.onLine?.(`gave up on pod ${ref}: ${message}`);
          return;
        }
        retries++;
        opts.onLine?.(`error when evicting pod "${pod.metadata.name}" (will retry after ${interval / 1000}s): ${message}`);
        await opts.sleep(interval);
      }
    }),
  );
  evicted.sort();
  refused.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
  return { evicted, refused, retries };
}
