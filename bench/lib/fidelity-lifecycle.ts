/**
 * Pod lifecycles in one namespace as a LIST+WATCH sees them (client-node's informer, millisecond
 * clock of this process): when each pod was first seen, first serving (Ready, not terminating),
 * first seen terminating and gone. Gives the time a new pod takes to become Ready and a deleted
 * one to go, on either backend, to compare with the configured start-up and grace period.
 */
import { CoreV1Api, makeInformer, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { isServing } from '../../test/kube/harness/e2e-cluster.js';

interface Life {
  app: string;
  seen: number;
  /** Whether the pod existed in the initial list (its creation was not watched). */
  initial: boolean;
  bound?: number;
  serving?: number;
  terminating?: number;
  gone?: number;
}

export interface LifecycleWatch {
  /** ms from first seen to first serving, for pods created while watched. */
  startups(): number[];
  /** ms from first seen terminating to gone. */
  terminations(): number[];
  /** Per pod uid: when it was bound (-Infinity: before the watch), turned terminating, went. */
  timeline(): Map<string, PodTimes>;
  stop(): Promise<void>;
}

export interface PodTimes {
  bound?: number;
  terminating?: number;
  gone?: number;
}

export async function watchLifecycles(kc: KubeConfig, namespace: string): Promise<LifecycleWatch> {
  const core = kc.makeApiClient(CoreV1Api);
  const lives = new Map<string, Life>();
  let primed = false;
  const now = () => performance.now();
  const informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace }));
  const put = (p: V1Pod) => {
    const uid = p.metadata!.uid!;
    let l = lives.get(uid);
    if (!l) lives.set(uid, (l = { app: p.metadata?.labels?.app ?? '', seen: now(), initial: !primed }));
    if (l.bound === undefined && p.spec?.nodeName) l.bound = l.initial ? -Infinity : now();
    if (l.serving === undefined && isServing(p)) l.serving = now();
    if (l.terminating === undefined && p.metadata?.deletionTimestamp) l.terminating = now();
  };
  informer.on('add', put);
  informer.on('update', put);
  informer.on('delete', (p) => {
    const l = lives.get(p.metadata!.uid!);
    if (l && l.gone === undefined) l.gone = now();
  });
  informer.on('error', () => undefined);
  await informer.start();
  for (const p of informer.list(namespace)) put(p);
  primed = true;
  return {
    startups: () => [...lives.values()].filter((l) => !l.initial && l.serving !== undefined).map((l) => l.serving! - l.seen),
    terminations: () => [...lives.values()].filter((l) => l.terminating !== undefined && l.gone !== undefined).map((l) => l.gone! - l.terminating!),
    timeline: () => new Map([...lives].map(([uid, l]) => [uid, { ...(l.bound !== undefined ? { bound: l.bound } : {}), ...(l.terminating !== undefined ? { terminating: l.terminating } : {}), ...(l.gone !== undefined ? { gone: l.gone } : {}) }])),
    stop: () => informer.stop(),
  };
}
