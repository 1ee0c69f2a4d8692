/**
 * The kubelets of every node in one controller. For a pod bound to an existing node:
 * ContainerCreating from the moment it is seen, Running (containers started, not ready) at half
 * its startup time, Ready at its startup time (--pod-startup-ms or sim.sdrain.io/startup-ms;
 * never with sim.sdrain.io/never-ready). A pod blocked by a ReadWriteOnce claim in use on
 * another node stays ContainerCreating until that pod is gone. Run-to-completion pods (owned by
 * a Job, or annotated sim.sdrain.io/run-ms) Succeed after their run time.
 *
 * Deletion: a terminating pod is removed when its grace period (the delete's, else the pod's
 * terminationGracePeriodSeconds, else 30 s) has passed since the kubelet saw it — as a kubelet
 * whose containers take all of it — or after maxTerminationMs if that is shorter (the demo and
 * fast tests); sim.sdrain.io/termination-ms overrides both. Pods on nodes missing from the
 * cluster, and pods loaded already Running, keep the status they were loaded with.
 *
 * Nodes: a node that has no Ready condition (one created through the API, as a real kubelet
 * would register itself) is given the conditions of a healthy kubelet; a node with conditions
 * keeps them (a dump's NotReady node stays NotReady).
 */
import type { Condition, ContainerStatus, Node, Pod, PodStatus } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isTerminal, isTerminating } from '../../kube/pod.js';
import { formatTime } from '../store/wall-clock.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import { finishDeletion } from './delete-pod.js';
import { podClaimNames, rwoConflict } from '../../placement/index.js';
import { fnv32a } from './template-hash.js';
import {
  DEFAULT_RUN_MS,
  NEVER_READY_ANNOTATION,
  RUN_MS_ANNOTATION,
  STARTUP_MS_ANNOTATION,
  TERMINATION_MS_ANNOTATION,
  msAnnotation,
} from './sim-annotations.js';

type Stage = 'creating' | 'running' | 'ready' | 'succeeded';

/** The effective termination time of a deleted pod, in ms (see the file comment). */
export function terminationMs(pod: Pod, maxTerminationMs?: number): number {
  const override = msAnnotation(pod.metadata.annotations, TERMINATION_MS_ANNOTATION);
  if (override !== undefined) return override;
  const grace = Math.max(0, pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  return maxTerminationMs === undefined ? grace : Math.min(grace, maxTerminationMs);
}

/** The conditions a healthy kubelet posts, for a node that registers without any. */
function registeredNodeConditions(now: string): Condition[] {
  const c = (type: string, status: string, reason: string, message: string): Condition => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now } as Condition);
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

const NODE_KEY = 'node|';
const hasReadyCondition = (node: Node) => (node.status?.conditions ?? []).some((c) => c.type === 'Ready');

function runMs(pod: Pod): number | undefined {
  const override = msAnnotation(pod.metadata.annotations, RUN_MS_ANNOTATION);
  if (override !== undefined) return override;
  return controllerOf(pod)?.kind === 'Job' ? DEFAULT_RUN_MS : undefined;
}

function ipv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The node's InternalIP, or a stable address derived from its name. */
export function nodeIP(node: Node): string {
  const internal = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (internal) return internal;
  const h = fnv32a(node.metadata.name);
  return ipv4((192 << 24) | (168 << 16) | (h & 0xffff));
}

function podCidrBase(node: Node): number {
  const cidr = node.spec?.podCIDR;
  const m = cidr ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(cidr) : null;
  if (m) return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8)) >>> 0;
  const h = fnv32a(`pods/${node.metadata.name}`);
  return ((10 << 24) | (((h >>> 8) & 255) << 16) | ((h & 255) << 8)) >>> 0;
}

function setCondition(conditions: Condition[], type: string, status: string, now: string, reason?: string, message?: string): void {
  const i = conditions.findIndex((c) => c.type === type);
  const old = conditions[i];
  const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  if (i >= 0) conditions[i] = c;
  else conditions.push(c);
}

const CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

/** What the kubelet records as a pod's containers start (the image is always "already present"). */
const STARTED_EVENTS = [
  ['Pulled', (_c: string, image: string) => `Container image "${image}" already present on machine`],
  ['Created', (c: string) => `Created container: ${c}`],
  ['Started', (c: string) => `Started container ${c}`],
] as const;

/** The kubelet of every node (see the file comment). */
export function kubeletController(ctx: ControllerContext): Controller {
  /** uid → when the kubelet first saw the pod bound (its containers' clock). */
  const startedAt = new Map<string, number>();
  /** uid → when the kubelet first saw the pod terminating. */
  const terminatingSince = new Map<string, number>();
  /** Pods waiting for a RWO claim; re-checked whenever a pod goes away or finishes. */
  const blocked = new Set<string>();
  const nextIp = new Map<string, number>();
  /** Nodes whose RegisteredNode Event was recorded (the node lifecycle controller's, which the simulator does not run otherwise). */
  const seenNodes = new Set<string>();
  const registered = (node: Node) => {
    seenNodes.add(node.metadata.uid ?? '');
    const name = node.metadata.name;
    ctx.events.record({ component: 'node-controller' }, node, { type: 'Normal', reason: 'RegisteredNode', message: `Node ${name} event: Registered Node ${name} in Controller` });
  };

  const allocateIp = (node: Node): string => {
    const n = (nextIp.get(node.metadata.name) ?? 0) + 1;
    nextIp.set(node.metadata.name, n);
    return ipv4((podCidrBase(node) + 1 + ((n - 1) % 254)) >>> 0);
  };

  const writeStage = (pod: Pod, node: Node, stage: Stage, now: number, waitingMessage?: string) => {
    ctx.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.metadata.uid !== pod.metadata.uid) return false;
      const ts = formatTime(now);
      const s: PodStatus = p.status ?? {};
      const started = startedAt.get(pod.metadata.uid ?? '') ?? now;
      s.hostIP = s.hostIP ?? nodeIP(node);
      (s as Record<string, unknown>).hostIPs = [{ ip: s.hostIP }];
      s.startTime = s.startTime ?? formatTime(started);
      const conditions = [...(s.conditions ?? [])];
      const ready = stage === 'ready';
      const names = p.spec.containers.map((c) => c.name);
      setCondition(conditions, 'PodScheduled', 'True', ts);
      setCondition(conditions, 'Initialized', 'True', ts);
      setCondition(conditions, 'PodReadyToStartContainers', stage === 'creating' ? 'False' : 'True', ts);
      if (stage === 'succeeded') {
        setCondition(conditions, 'Ready', 'False', ts, 'PodCompleted');
        setCondition(conditions, 'ContainersReady', 'False', ts, 'PodCompleted');
      } else if (ready) {
        setCondition(conditions, 'Ready', 'True', ts);
        setCondition(conditions, 'ContainersReady', 'True', ts);
      } else {
        const msg = `containers with unready status: [${names.join(' ')}]`;
        setCondition(conditions, 'Ready', 'False', ts, 'ContainersNotReady', msg);
        setCondition(conditions, 'ContainersReady', 'False', ts, 'ContainersNotReady', msg);
      }
      conditions.sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type));
      s.conditions = conditions;
      if (stage !== 'creating' && !s.podIP && !p.spec.hostNetwork) {
        s.podIP = allocateIp(node);
        s.podIPs = [{ ip: s.podIP }];
      } else if (stage !== 'creating' && !s.podIP) {
        s.podIP = s.hostIP;
        s.podIPs = [{ ip: s.podIP }];
      }
      s.phase = stage === 'creating' ? 'Pending' : stage === 'succeeded' ? 'Succeeded' : 'Running';
      const runStart = formatTime(started + Math.floor(startupMs(pod) / 2));
      s.containerStatuses = p.spec.containers.map((c, i): ContainerStatus => {
        const cs: ContainerStatus = { name: c.name, image: c.image ?? '', imageID: '', ready, restartCount: 0, started: stage === 'running' || ready, lastState: {} };
        if (stage === 'creating') cs.state = { waiting: { reason: 'ContainerCreating', ...(waitingMessage ? { message: waitingMessage } : {}) } };
        else if (stage === 'succeeded') cs.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt: runStart, finishedAt: ts } };
        else cs.state = { running: { startedAt: runStart } };
        if (stage !== 'creating') {
          cs.imageID = `${c.image ?? ''}@sha256:${fnv32a(c.image ?? '').toString(16).padStart(8, '0').repeat(8)}`;
          cs.containerID = `containerd://${fnv32a(`${pod.metadata.uid}/${i}`).toString(16).padStart(8, '0').repeat(8)}`;
        }
        return cs;
      });
      p.status = s;
    }, { subresource: 'status' });
  };

  /** The kubelet's per-container Events (source kubelet on the pod's node, fieldPath spec.containers{name}). */
  const containerEvents = (pod: Pod, events: readonly (readonly [string, (container: string, image: string) => string])[]) => {
    const source = { component: 'kubelet', host: pod.spec.nodeName ?? '' };
    for (const c of pod.spec.containers) {
      for (const [reason, message] of events) ctx.events.record(source, pod, { type: 'Normal', reason, message: message(c.name, c.image ?? ''), fieldPath: `spec.containers{${c.name}}` });
    }
  };

  const startupMs = (pod: Pod) => msAnnotation(pod.metadata.annotations, STARTUP_MS_ANNOTATION) ?? ctx.podStartupMs;

  const currentStage = (pod: Pod): Stage | undefined => {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded') return 'succeeded';
    if (phase === 'Running') return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'ready' : 'running';
    if (pod.status?.containerStatuses?.some((c) => c.state && 'waiting' in c.state)) return 'creating';
    return undefined;
  };

  const syncTerminating = (pod: Pod, key: string, queue: Parameters<Controller['sync']>[1]) => {
    const uid = pod.metadata.uid ?? '';
    const now = ctx.clock.now();
    if (!pod.spec.nodeName) {
      finishDeletion(ctx.store, pod);
      return;
    }
    let since = terminatingSince.get(uid);
    if (since === undefined) {
      terminatingSince.set(uid, (since = now));
      if (startedAt.has(uid) || pod.status?.phase === 'Running') containerEvents(pod, [['Killing', (c) => `Stopping container ${c}`]]);
    }
    const due = since + terminationMs(pod, ctx.maxTerminationMs);
    if (now >= due) finishDeletion(ctx.store, pod);
    else queue.addAfter(key, due - now);
  };

  return {
    name: 'kubelet',
    start(queue) {
      for (const node of ctx.cache.all<Node>('Node')) if (!hasReadyCondition(node)) queue.add(NODE_KEY + node.metadata.name);
      for (const pod of ctx.cache.all<Pod>('Pod')) {
        if (isTerminating(pod) || (pod.spec.nodeName && !isTerminal(pod) && pod.status?.phase !== 'Running')) queue.add(objectKey(pod));
      }
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'Node' && ev.type === 'ADDED') {
        registered(ev.object as Node);
        if (!hasReadyCondition(ev.object as Node)) queue.add(NODE_KEY + ev.object.metadata.name);
        for (const pod of ctx.cache.podsOnNode(ev.object.metadata.name)) queue.add(objectKey(pod));
        return;
      }
      if (ev.kind !== 'Pod') return;
      const pod = ev.object as Pod;
      const old = ev.old as Pod | undefined;
      const key = objectKey(pod);
      const released = ev.type === 'DELETED' || (isTerminal(pod) && !(old && isTerminal(old)));
      if (released && podClaimNames(pod).length > 0) for (const k of blocked) queue.add(k);
      if (ev.type === 'DELETED') {
        startedAt.delete(pod.metadata.uid ?? '');
        terminatingSince.delete(pod.metadata.uid ?? '');
        blocked.delete(key);
        return;
      }
      if (isTerminating(pod) || (pod.spec.nodeName && !isTerminal(pod))) {
        // Skip our own status writes for pods we already track: their timers drive them.
        // (A changed never-ready mark is not ours: the pod's readiness changes with it.)
        if (ev.type === 'MODIFIED' && old && startedAt.has(pod.metadata.uid ?? '') && !isTerminating(pod) && old.spec.nodeName === pod.spec.nodeName && old.metadata.annotations?.[NEVER_READY_ANNOTATION] === pod.metadata.annotations?.[NEVER_READY_ANNOTATION]) return;
        queue.add(key);
      }
    },
    sync(key, queue) {
      if (key.startsWith(NODE_KEY)) {
        const now = formatTime(ctx.clock.now());
        const node = ctx.store.mutate<Node>('Node', undefined, key.slice(NODE_KEY.length), (n) => {
          if (hasReadyCondition(n)) return false;
          n.status = { ...n.status, conditions: registeredNodeConditions(now) } as Node['status'];
        }, { subresource: 'status' });
        if (node && !seenNodes.has(node.metadata.uid ?? '')) registered(node);
        return;
      }
      const { namespace, name } = splitKey(key);
      const pod = ctx.cache.get<Pod>('Pod', namespace, name);
      if (!pod) return;
      if (isTerminating(pod)) {
        syncTerminating(pod, key, queue);
        return;
      }
      if (isTerminal(pod) || !pod.spec.nodeName) return;
      const node = ctx.cache.get<Node>('Node', undefined, pod.spec.nodeName);
      if (!node) return;
      const uid = pod.metadata.uid ?? '';
      const now = ctx.clock.now();
      const current = currentStage(pod);
      if (!startedAt.has(uid) && (current === 'running' || current === 'ready')) return; // loaded as running
      const conflict = startedAt.has(uid) ? undefined : rwoConflict(ctx.placement.get(), pod, pod.spec.nodeName);
      if (conflict) {
        blocked.add(key);
        const other = conflict.otherPod.slice(conflict.otherPod.indexOf('/') + 1);
        const msg = `Multi-Attach error for volume of claim "${conflict.claim}": volume is already used by pod(s) ${other} on node ${conflict.otherNode}`;
        if (current !== 'creating' || !pod.status?.containerStatuses?.some((c) => (c.state as { waiting?: { message?: string } })?.waiting?.message === msg)) {
          writeStage(pod, node, 'creating', now, msg);
        }
        return;
      }
      blocked.delete(key);
      let t0 = startedAt.get(uid);
      if (t0 === undefined) startedAt.set(uid, (t0 = now));
      const startup = startupMs(pod);
      const neverReady = pod.metadata.annotations?.[NEVER_READY_ANNOTATION] === 'true';
      const run = runMs(pod);
      const elapsed = now - t0;
      let stage: Stage;
      let nextAt: number | undefined;
      if (elapsed < startup / 2) {
        stage = 'creating';
        nextAt = t0 + Math.ceil(startup / 2);
      } else if (elapsed < startup || neverReady) {
        stage = 'running';
        nextAt = neverReady ? undefined : t0 + startup;
      } else if (run !== undefined && elapsed >= startup + run) {
        stage = 'succeeded';
      } else {
        stage = 'ready';
        nextAt = run !== undefined ? t0 + startup + run : undefined;
      }
      if (stage !== current) {
        writeStage(pod, node, stage, now);
        if (stage !== 'creating' && (current === undefined || current === 'creating')) containerEvents(pod, STARTED_EVENTS);
      }
      if (nextAt !== undefined) queue.addAfter(key, nextAt - now);
    },
  };
}
