/**
 * Resource amounts as the scheduler counts them: a pod's effective request (containers, init and
 * sidecar containers, pod-level requests, overhead) and a node's allocatable, as exact integers.
 * Follows k8s.io/component-helpers resource.PodRequests so the planner and the simulator's
 * scheduler agree with kube-scheduler about what fits.
 */
import type { Node, Pod } from '../model/k8s.js';
import { toMilli, toUnits } from './quantity.js';

/** Amounts of every resource the scheduler tracks. cpu in millicores, memory and storage in bytes. */
export interface Resources {
  cpuMilli: number;
  memory: number;
  pods: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources by name (`nvidia.com/gpu`, `hugepages-2Mi`), in units. */
  extended: Record<string, number>;
}

/** The pod capacity kubelet uses when a node reports none. */
export const DEFAULT_MAX_PODS = 110;

/** Requests assumed for containers without one when scoring (kube-scheduler's non-zero defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { cpuMilli: 0, memory: 0, pods: 0, ephemeralStorage: 0, extended: {} };
}

/** A copy that shares nothing with `r`. */
export function cloneResources(r: Resources): Resources {
  return { cpuMilli: r.cpuMilli, memory: r.memory, pods: r.pods, ephemeralStorage: r.ephemeralStorage, extended: { ...r.extended } };
}

/** Adds `delta` × `sign` into `target` in place (the hot path of PlacementState). */
export function addInto(target: Resources, delta: Resources, sign: 1 | -1 = 1): Resources {
  target.cpuMilli += sign * delta.cpuMilli;
  target.memory += sign * delta.memory;
  target.pods += sign * delta.pods;
  target.ephemeralStorage += sign * delta.ephemeralStorage;
  for (const [name, v] of Object.entries(delta.extended)) {
    const next = (target.extended[name] ?? 0) + sign * v;
    if (next === 0) delete target.extended[name];
    else target.extended[name] = next;
  }
  return target;
}

/** a + b as a new value. */
export function addResources(a: Resources, b: Resources): Resources {
  return addInto(cloneResources(a), b, 1);
}

/** a − b as a new value (may go negative: callers decide what that means). */
export function subtractResources(a: Resources, b: Resources): Resources {
  return addInto(cloneResources(a), b, -1);
}

/**
 * The resources `request` lacks on a node with `allocatable` already carrying `requested`, in
 * kube-scheduler's order and words ("pods" first, then cpu, memory, ephemeral-storage, extended
 * sorted by name). Only non-zero requests are checked, as NodeResourcesFit does; the pod count
 * is always checked.
 */
export function insufficientResources(request: Resources, requested: Resources, allocatable: Resources): string[] {
  const out: string[] = [];
  if (request.pods > 0 && requested.pods + request.pods > allocatable.pods) out.push('pods');
  if (request.cpuMilli > 0 && request.cpuMilli > allocatable.cpuMilli - requested.cpuMilli) out.push('cpu');
  if (request.memory > 0 && request.memory > allocatable.memory - requested.memory) out.push('memory');
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage) {
    out.push('ephemeral-storage');
  }
  for (const name of Object.keys(request.extended).sort()) {
    const want = request.extended[name] ?? 0;
    if (want > 0 && want > (allocatable.extended[name] ?? 0) - (requested.extended[name] ?? 0)) out.push(name);
  }
  return out;
}

/** True when `request` fits beside `requested` within `allocatable`. */
export function fitsResources(request: Resources, requested: Resources, allocatable: Resources): boolean {
  return insufficientResources(request, requested, allocatable).length === 0;
}

type ResourceList = Record<string, string | number> | undefined;

/**
 * Quantity strings repeat massively across a cluster ("100m", "128Mi"), and parsing them exactly
 * (BigInt) dominates building placement state for 150,000 pods, so parsed values are memoised.
 * Bounded: the cache is dropped when it grows past a limit. Invalid values are never cached.
 */
const MEMO_LIMIT = 20_000;
const milliMemo = new Map<string | number, number>();
const unitsMemo = new Map<string | number, number>();

function memo(cache: Map<string | number, number>, value: string | number, parse: (q: string | number) => number): number {
  let v = cache.get(value);
  if (v === undefined) {
    v = parse(value);
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(value, v);
  }
  return v;
}

/** Resources whose quantity is counted in milli-units; everything else is in whole units. */
/** Receives the message of an invalid quantity instead of a thrown RangeError (the value counts as 0). */
export type InvalidQuantityHandler = (message: string) => void;

function addQuantity(target: Resources, name: string, value: string | number, where: string, onInvalid?: InvalidQuantityHandler): void {
  try {
    switch (name) {
      case 'cpu':
        target.cpuMilli += memo(milliMemo, value, toMilli);
        return;
      case 'memory':
        target.memory += memo(unitsMemo, value, toUnits);
        return;
      case 'ephemeral-storage':
        target.ephemeralStorage += memo(unitsMemo, value, toUnits);
        return;
      case 'pods':
        target.pods += memo(unitsMemo, value, toUnits);
        return;
      default:
        if (!isScalarResourceName(name)) return;
        target.extended[name] = (target.extended[name] ?? 0) + memo(unitsMemo, value, toUnits);
    }
  } catch (err) {
    const message = `${where}: ${name}: ${(err as Error).message}`;
    if (onInvalid) onInvalid(message);
    else throw new RangeError(message);
  }
}

/**
 * Extended resources (`vendor/name`), prefixed native ones (`*kubernetes.io/*`), hugepages-* and
 * attachable-volumes-*: the names the scheduler tracks as scalars (v1helper.IsScalarResourceName).
 * Other unprefixed names (e.g. `storage`) are ignored like kube-scheduler does.
 */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.startsWith('requests.');
}

function toResources(list: ResourceList, where: string, onInvalid?: InvalidQuantityHandler): Resources {
  const r = emptyResources();
  if (list) for (const name in list) addQuantity(r, name, list[name]!, where, onInvalid);
  return r;
}

function maxInto(target: Resources, other: Resources): void {
  target.cpuMilli = Math.max(target.cpuMilli, other.cpuMilli);
  target.memory = Math.max(target.memory, other.memory);
  target.pods = Math.max(target.pods, other.pods);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, other.ephemeralStorage);
  for (const [name, v] of Object.entries(other.extended)) {
    target.extended[name] = Math.max(target.extended[name] ?? 0, v);
  }
}

interface ContainerLike {
  name: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** A container's requests with the API server's defaulting: a missing request defaults to its limit. */
function containerRequests(c: ContainerLike, where: string, nonZero: boolean, onInvalid?: InvalidQuantityHandler): Resources {
  const requests: Record<string, string | number> = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  const r = toResources(requests, `${where} container "${c.name}"`, onInvalid);
  if (nonZero) {
    if (!('cpu' in requests)) r.cpuMilli = DEFAULT_MILLI_CPU_REQUEST;
    if (!('memory' in requests)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

export interface PodRequestOptions {
  /**
   * Use kube-scheduler's scoring defaults (100m cpu, 200Mi memory) for containers that request
   * none. For scoring only; feasibility uses the real requests.
   */
  nonZero?: boolean;
  /** Report invalid quantities here (counted as 0) instead of throwing. */
  onInvalid?: InvalidQuantityHandler;
}

/**
 * The pod's effective request, as kube-scheduler computes it: the sum of regular containers and
 * sidecars (init containers with restartPolicy Always), or — if larger, per resource — the
 * largest init container plus the sidecars started before it; pod-level `spec.resources.requests`
 * (cpu, memory) replace the container aggregate; then `spec.overhead` is added. `pods` is 1.
 * Throws RangeError naming the pod and container for an invalid quantity (unless `onInvalid`).
 */
export function podRequests(pod: Pick<Pod, 'metadata' | 'spec'>, opts: PodRequestOptions = {}): Resources {
  const where = `Pod "${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}"`;
  const nonZero = opts.nonZero ?? false;
  const onInvalid = opts.onInvalid;
  const reqs = emptyResources();
  for (const c of pod.spec.containers ?? []) addInto(reqs, containerRequests(c, where, nonZero, onInvalid));

  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of pod.spec.initContainers ?? []) {
    const own = containerRequests(c, where, nonZero, onInvalid);
    if (c.restartPolicy === 'Always') {
      addInto(reqs, own);
      addInto(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      maxInto(initMax, addResources(own, sidecars));
    }
  }
  maxInto(reqs, initMax);

  const podLevel = pod.spec.resources?.requests;
  if (podLevel) {
    const parsed = toResources(podLevel, `${where} spec.resources`, onInvalid);
    if ('cpu' in podLevel) reqs.cpuMilli = parsed.cpuMilli;
    if ('memory' in podLevel) reqs.memory = parsed.memory;
  }

  addInto(reqs, toResources(pod.spec.overhead as ResourceList, `${where} spec.overhead`, onInvalid));
  reqs.pods = 1;
  return reqs;
}

/**
 * What the scheduler may place on the node: status.allocatable, falling back per resource to
 * status.capacity; pods default to 110 when neither reports it. Throws RangeError naming the node
 * for an invalid quantity.
 */
export function nodeAllocatable(node: Pick<Node, 'metadata' | 'status'>, onInvalid?: InvalidQuantityHandler): Resources {
  const merged: Record<string, string> = { ...(node.status?.capacity ?? {}), ...(node.status?.allocatable ?? {}) };
  const r = toResources(merged, `Node "${node.metadata.name}" status.allocatable`, onInvalid);
  if (!('pods' in merged)) r.pods = DEFAULT_MAX_PODS;
  return r;
}
