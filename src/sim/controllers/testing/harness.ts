/**
 * A simulated cluster for controller unit tests: the real MemoryStore on a ManualClock with the
 * controllers running. Time moves only through `advance`, one timer at a time, letting the
 * controllers settle after each, so tests see every intermediate state a real run would.
 */
import type { Deployment, KubeObject, Node, Pod } from '../../../model/k8s.js';
import { MemoryStore } from '../../store/memory-store.js';
import type { StoreEvent } from '../../store/types.js';
import { startControllers, type ControllerName, type Controllers } from '../index.js';
import { ManualClock } from './manual-clock.js';
import { FAST_TERMINATION_MS } from '../sim-annotations.js';

/** A running test cluster (see the file comment). */
export interface SimHarness {
  store: MemoryStore;
  clock: ManualClock;
  controllers: Controllers;
  /** Every store event since start. */
  events: StoreEvent[];
  /** Lets the controllers process everything queued. */
  settle(): Promise<void>;
  /** Moves time forward by `ms`, settling after each timer. */
  advance(ms: number): Promise<void>;
  /** Advances until `pred` holds; throws after `maxMs` of simulated time. */
  until(pred: () => boolean, maxMs?: number, what?: string): Promise<void>;
  pods(namespace?: string): Pod[];
  stop(): void;
}

export async function startHarness(objects: KubeObject[], opts: { podStartupMs?: number; only?: ControllerName[]; seed?: number; maxTerminationMs?: number | null } = {}): Promise<SimHarness> {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock, seed: opts.seed ?? 7 });
  for (const o of objects) store.load(o);
  const events: StoreEvent[] = [];
  store.on((e) => events.push(e));
  // Termination capped at 1 s like the other fast tests, unless a test asks for the grace period (null).
  const maxTerminationMs = opts.maxTerminationMs === null ? {} : { maxTerminationMs: opts.maxTerminationMs ?? FAST_TERMINATION_MS };
  const controllers = startControllers(store, { podStartupMs: opts.podStartupMs ?? 2000, ...maxTerminationMs, only: opts.only, log: (m) => { throw new Error(m); } });
  const settle = async () => {
    // Two rounds: timers fired by the clock enqueue work that wakes the pump again.
    await controllers.idle();
    await new Promise((r) => setImmediate(r));
    await controllers.idle();
  };
  const advance = async (ms: number) => {
    const target = clock.now() + ms;
    await settle();
    for (;;) {
      const next = clock.nextTimerAt();
      if (next === undefined || next > target) break;
      clock.advanceTo(next);
      await settle();
    }
    clock.advanceTo(target);
    await settle();
  };
  const until = async (pred: () => boolean, maxMs = 120_000, what = 'condition') => {
    const deadline = clock.now() + maxMs;
    await settle();
    while (!pred()) {
      const next = clock.nextTimerAt();
      if (next === undefined || next > deadline) throw new Error(`timed out (simulated ${maxMs}ms) waiting for ${what}`);
      clock.advanceTo(next);
      await settle();
    }
  };
  await settle();
  return {
    store,
    clock,
    controllers,
    events,
    settle,
    advance,
    until,
    pods: (namespace = 'default') => store.list<Pod>('Pod', { namespace }),
    stop: () => controllers.stop(),
  };
}

/** A Ready worker node with the given allocatable. */
export function node(name: string, opts: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; unschedulable?: boolean } = {}): Node {
  const alloc = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
    spec: opts.unschedulable ? { unschedulable: true } : {},
    status: {
      capacity: alloc,
      allocatable: alloc,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      addresses: [{ type: 'InternalIP', address: `10.0.0.${name.length + name.charCodeAt(name.length - 1) % 200}` }],
    },
  };
}

/** A Deployment of `replicas` nginx pods labelled app=<name>. */
export function deployment(name: string, replicas: number, opts: { maxSurge?: number | string; maxUnavailable?: number | string; recreate?: boolean; cpu?: string; annotations?: Record<string, string>; minReadySeconds?: number; volumes?: Pod['spec']['volumes'] } = {}): Deployment {
  const strategy = opts.recreate
    ? { type: 'Recreate' }
    : opts.maxSurge !== undefined || opts.maxUnavailable !== undefined
      ? { type: 'RollingUpdate', rollingUpdate: { ...(opts.maxSurge !== undefined ? { maxSurge: opts.maxSurge } : {}), ...(opts.maxUnavailable !== undefined ? { maxUnavailable: opts.maxUnavailable } : {}) } }
      : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      ...(strategy ? { strategy: strategy as Deployment['spec']['strategy'] } : {}),
      ...(opts.minReadySeconds ? { minReadySeconds: opts.minReadySeconds } : {}),
      template: {
        metadata: { labels: { app: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx:1.27', resources: { requests: { cpu: opts.cpu ?? '100m', memory: '64Mi' } } }],
          ...(opts.volumes ? { volumes: opts.volumes } : {}),
        },
      },
    },
  };
}

/** Ready condition True (test shorthand). */
export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
