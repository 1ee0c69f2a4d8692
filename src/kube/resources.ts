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

/** Zero of everything; never mutated (read-only operand). */
const NO_RESOURCES: Readonly<Resources> = Object.freeze({ cpuMilli: 0, memory: 0, pods: 0, ephemeralStorage: 0, extended: Object.freeze({}) });

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

/** True when `request` fits beside `requested` within `allocatable` (`insufficientResources` is empty), without allocating. */
export function fitsResources(request: Resources, requested: Resources, allocatable: Resources): boolean {
  if (request.pods > 0 && requested.pods + request.pods > allocatable.pods) return false;
  if (request.cpuMilli > 0 && request.cpuMilli > allocatable.cpuMilli - requested.cpuMilli) return false;
  if (request.memory > 0 && request.memory > allocatable.memory - requested.memory) return false;
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage) return false;
  for (const name in request.extended) {
    const want = request.extended[name] ?? 0;
    if (want > 0 && want > (allocatable.extended[name] ?? 0) - (requested.extended[name] ?? 0)) return false;
  }
  return true;
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

function addQuantity(target: Resources, name: string, value: string | number, where: string | (() => string), onInvalid?: InvalidQuantityHandler): void {
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
    const message = `${typeof where === 'string' ? where : where()}: ${name}: ${(err as Error).message}`;
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

/** A container's requests and whether it requests cpu and memory at all. */
interface ContainerAmounts {
  r: Resources;
  hasCpu: boolean;
  hasMemory: boolean;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * A container's requests with the API server's defaulting: a missing request defaults to its
 * limit. Reads the quantities in the order of `{ ...limits, ...requests }` without building it.
 */
function containerAmounts(c: ContainerLike, where: string, onInvalid?: InvalidQuantityHandler): ContainerAmounts {
  const requests: Record<string, string | number> | undefined = c.resources?.requests;
  const limits: Record<string, string | number> | undefined = c.resources?.limits;
  const r = emptyResources();
  let label: string | undefined;
  const at = (): string => (label ??= `${where} container "${c.name}"`);
  let hasCpu = false;
  let hasMemory = false;
  if (limits) {
    for (const name of Object.keys(limits)) {
      const fromRequests = requests !== undefined && hasOwn(requests, name);
      addQuantity(r, name, fromRequests ? requests[name]! : limits[name]!, at, onInvalid);
      if (name === 'cpu') hasCpu = true;
      else if (name === 'memory') hasMemory = true;
    }
  }
  if (requests) {
    for (const name of Object.keys(requests)) {
      if (limits !== undefined && hasOwn(limits, name)) continue;
      addQuantity(r, name, requests[name]!, at, onInvalid);
      if (name === 'cpu') hasCpu = true;
      else if (name === 'memory') hasMemory = true;
    }
  }
  return { r, hasCpu, hasMemory };
}

/** The container's scoring request: kube-scheduler's defaults for cpu and memory it does not request. */
function nonZeroOf(a: ContainerAmounts): Resources {
  if (a.hasCpu && a.hasMemory) return a.r;
  const r = cloneResources(a.r);
  if (!a.hasCpu) r.cpuMilli = DEFAULT_MILLI_CPU_REQUEST;
  if (!a.hasMemory) r.memory = DEFAULT_MEMORY_REQUEST;
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

/** The aggregation of podRequests over already parsed container amounts. */
function aggregate(
  containers: readonly Resources[],
  inits: readonly { own: Resources; sidecar: boolean }[],
  podLevel: { parsed: Resources; cpu: boolean; memory: boolean } | undefined,
  overhead: Resources,
): Resources {
  const reqs = emptyResources();
  for (const c of containers) addInto(reqs, c);
  if (inits.length === 0) {
    // maxInto(reqs, emptyResources()) without allocating it.
    reqs.cpuMilli = Math.max(reqs.cpuMilli, 0);
    reqs.memory = Math.max(reqs.memory, 0);
    reqs.pods = Math.max(reqs.pods, 0);
    reqs.ephemeralStorage = Math.max(reqs.ephemeralStorage, 0);
  } else {
    const sidecars = emptyResources();
    const initMax = emptyResources();
    for (const { own, sidecar } of inits) {
      if (sidecar) {
        addInto(reqs, own);
        addInto(sidecars, own);
        maxInto(initMax, sidecars);
      } else {
        maxInto(initMax, addResources(own, sidecars));
      }
    }
    maxInto(reqs, initMax);
  }
  if (podLevel) {
    if (podLevel.cpu) reqs.cpuMilli = podLevel.parsed.cpuMilli;
    if (podLevel.memory) reqs.memory = podLevel.parsed.memory;
  }
  addInto(reqs, overhead);
  reqs.pods = 1;
  return reqs;
}

/**
 * The pod's effective request and its scoring request (`nonZero`) in one pass over the pod
 * (see `podRequests`). Each invalid quantity is reported (or thrown) once.
 */
export function podCosts(pod: Pick<Pod, 'metadata' | 'spec'>, onInvalid?: InvalidQuantityHandler): { request: Resources; nonZero: Resources } {
  const where = `Pod "${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}"`;
  const containers = (pod.spec.containers ?? []).map((c) => containerAmounts(c, where, onInvalid));
  const inits = (pod.spec.initContainers ?? []).map((c) => ({ a: containerAmounts(c, where, onInvalid), sidecar: c.restartPolicy === 'Always' }));
  const podLevelList = pod.spec.resources?.requests;
  const podLevel = podLevelList
    ? { parsed: toResources(podLevelList, `${where} spec.resources`, onInvalid), cpu: 'cpu' in podLevelList, memory: 'memory' in podLevelList }
    : undefined;
  const overhead = pod.spec.overhead ? toResources(pod.spec.overhead as ResourceList, `${where} spec.overhead`, onInvalid) : NO_RESOURCES;
  const plain = containers.map((c) => c.r);
  const nonZero = containers.every((c) => c.hasCpu && c.hasMemory) ? plain : containers.map(nonZeroOf);
  return {
    request: aggregate(plain, inits.map((i) => ({ own: i.a.r, sidecar: i.sidecar })), podLevel, overhead),
    nonZero: aggregate(nonZero, inits.map((i) => ({ own: nonZeroOf(i.a), sidecar: i.sidecar })), podLevel, overhead),
  };
}

/** The quantity as `podCosts` counts it, or undefined when it is not a valid cached-or-parseable one. */
function quietQuantity(cache: Map<string | number, number>, value: unknown, parse: (q: string | number) => number): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return memo(cache, value, parse);
  } catch {
    return undefined;
  }
}

/**
 * Adds the pod's request and scoring request into `request` and `nonZero` exactly as
 * `addInto(target, podCosts(pod).…)` would, without allocating, for the common pod: containers
 * requesting only cpu, memory and ephemeral-storage (all valid), no init containers, pod-level
 * requests or overhead. Returns false, having added nothing, for any other pod: use `podCosts`.
 * (Building placement state for 150,000 pods is dominated by these sums.)
 */
export function addPlainPodCosts(request: Resources, nonZero: Resources, pod: Pick<Pod, 'spec'>): boolean {
  const spec = pod.spec;
  if ((spec.initContainers !== undefined && spec.initContainers.length > 0) || spec.resources?.requests || spec.overhead) return false;
  // The sums in the order aggregate() adds them, from 0.
  let cpu = 0;
  let memory = 0;
  let storage = 0;
  let nzCpu = 0;
  let nzMemory = 0;
  for (const c of spec.containers ?? []) {
    const requests: Record<string, unknown> | undefined = c.resources?.requests;
    const limits: Record<string, unknown> | undefined = c.resources?.limits;
    let cCpu = 0;
    let cMemory = 0;
    let cStorage = 0;
    let hasCpu = false;
    let hasMemory = false;
    // A missing request defaults to its limit; names are read from both lists.
    for (let i = 0; i < 2; i++) {
      const list = i === 0 ? limits : requests;
      if (list === undefined) continue;
      for (const name in list) {
        if (!hasOwn(list, name) || (i === 1 && limits !== undefined && hasOwn(limits, name))) continue;
        const value = requests !== undefined && hasOwn(requests, name) ? requests[name] : list[name];
        let v: number | undefined;
        if (name === 'cpu') {
          v = quietQuantity(milliMemo, value, toMilli);
          cCpu = 0 + (v ?? 0);
          hasCpu = true;
        } else if (name === 'memory') {
          v = quietQuantity(unitsMemo, value, toUnits);
          cMemory = 0 + (v ?? 0);
          hasMemory = true;
        } else if (name === 'ephemeral-storage') {
          v = quietQuantity(unitsMemo, value, toUnits);
          cStorage = 0 + (v ?? 0);
        } else return false;
        if (v === undefined) return false;
      }
    }
    cpu += cCpu;
    memory += cMemory;
    storage += cStorage;
    nzCpu += hasCpu ? cCpu : DEFAULT_MILLI_CPU_REQUEST;
    nzMemory += hasMemory ? cMemory : DEFAULT_MEMORY_REQUEST;
  }
  request.cpuMilli += Math.max(cpu, 0);
  request.memory += Math.max(memory, 0);
  request.ephemeralStorage += Math.max(storage, 0);
  request.pods += 1;
  nonZero.cpuMilli += Math.max(nzCpu, 0);
  nonZero.memory += Math.max(nzMemory, 0);
  nonZero.ephemeralStorage += Math.max(storage, 0);
  nonZero.pods += 1;
  return true;
}

/**
 * The pod's effective request, as kube-scheduler computes it: the sum of regular containers and
 * sidecars (init containers with restartPolicy Always), or — if larger, per resource — the
 * largest init container plus the sidecars started before it; pod-level `spec.resources.requests`
 * (cpu, memory) replace the container aggregate; then `spec.overhead` is added. `pods` is 1.
 * Throws RangeError naming the pod and container for an invalid quantity (unless `onInvalid`).
 */
export function podRequests(pod: Pick<Pod, 'metadata' | 'spec'>, opts: PodRequestOptions = {}): Resources {
  const costs = podCosts(pod, opts.onInvalid);
  return opts.nonZero ? costs.nonZero : costs.request;
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
