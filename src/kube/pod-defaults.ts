/**
 * The values the API server fills into a Pod on create when they are left out (defaulting and
 * the ServiceAccount/Priority admission plugins), as documented for core/v1:
 *
 * - spec: dnsPolicy ClusterFirst, enableServiceLinks true, preemptionPolicy PreemptLowerPriority,
 *   restartPolicy Always, schedulerName default-scheduler, securityContext {},
 *   terminationGracePeriodSeconds 30, serviceAccountName "default" (and the deprecated
 *   serviceAccount mirrors serviceAccountName);
 * - every container and init container: terminationMessagePath /dev/termination-log,
 *   terminationMessagePolicy File, imagePullPolicy Always for an image tagged `latest` or not
 *   tagged at all, otherwise IfNotPresent;
 * - status.conditions: lastProbeTime is null (kubelets never set it).
 *
 * `omitPodDefaults` drops fields that hold exactly these values (the slim snapshot form: 10–20%
 * of a pod's text, none of it read by the planner) and `fillPodDefaults` puts them back (the
 * simulator, loading such a file): fill(omit(pod)) equals the pod whenever the pod held every
 * default, which every pod read from a real API server does. Neither modifies its argument.
 */
import type { Pod } from '../model/k8s.js';

type Rec = Record<string, unknown>;

/** The scheduler that binds pods naming none (kube-scheduler's profile name). */
export const DEFAULT_SCHEDULER = 'default-scheduler';

/** Pod spec fields with a fixed default. */
export const POD_SPEC_DEFAULTS: Readonly<Rec> = Object.freeze({
  dnsPolicy: 'ClusterFirst',
  enableServiceLinks: true,
  preemptionPolicy: 'PreemptLowerPriority',
  restartPolicy: 'Always',
  schedulerName: DEFAULT_SCHEDULER,
  serviceAccountName: 'default',
  terminationGracePeriodSeconds: 30,
});

/** Container fields with a fixed default (imagePullPolicy depends on the image: defaultPullPolicy). */
export const CONTAINER_DEFAULTS: Readonly<Rec> = Object.freeze({
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
});

/** The imagePullPolicy the API server gives a container with this image. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return lastPart.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function isObject(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEmptyObject(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const _ in v) return false;
  return true;
}

function omitContainer(c: unknown): unknown {
  if (!isObject(c)) return c;
  let out: Rec | undefined;
  const drop = (k: string) => {
    out ??= { ...c };
    delete out[k];
  };
  for (const k in CONTAINER_DEFAULTS) if (c[k] === CONTAINER_DEFAULTS[k]) drop(k);
  if (typeof c.image === 'string' && c.imagePullPolicy === defaultPullPolicy(c.image)) drop('imagePullPolicy');
  return out ?? c;
}

function fillContainer(c: unknown): unknown {
  if (!isObject(c)) return c;
  const out: Rec = { ...c };
  for (const k in CONTAINER_DEFAULTS) if (out[k] === undefined) out[k] = CONTAINER_DEFAULTS[k];
  if (out.imagePullPolicy === undefined && typeof out.image === 'string') out.imagePullPolicy = defaultPullPolicy(out.image);
  return out;
}

function mapList(list: unknown, f: (c: unknown) => unknown): unknown {
  if (!Array.isArray(list)) return list;
  let changed = false;
  const out = list.map((c) => {
    const r = f(c);
    if (r !== c) changed = true;
    return r;
  });
  return changed ? out : list;
}

/** The pod without the fields that hold their API-server default (shallow copies where it changes). */
export function omitPodDefaults(pod: Pod): Pod {
  let out = pod;
  const spec = pod.spec as unknown;
  if (isObject(spec)) {
    const s: Rec = { ...spec };
    for (const k in POD_SPEC_DEFAULTS) if (s[k] === POD_SPEC_DEFAULTS[k]) delete s[k];
    // The deprecated alias is mirrored from serviceAccountName (defaulted to "default").
    if (s.serviceAccount !== undefined && s.serviceAccount === (spec.serviceAccountName ?? 'default')) delete s.serviceAccount;
    if (isEmptyObject(s.securityContext)) delete s.securityContext;
    if (s.containers !== undefined) s.containers = mapList(s.containers, omitContainer);
    if (s.initContainers !== undefined) s.initContainers = mapList(s.initContainers, omitContainer);
    out = { ...out, spec: s as unknown as Pod['spec'] };
  }
  const status = pod.status as unknown;
  if (isObject(status) && Array.isArray(status.conditions)) {
    const conditions = mapList(status.conditions, (c) => {
      if (!isObject(c) || c.lastProbeTime !== null) return c;
      const { lastProbeTime: _, ...rest } = c;
      return rest;
    });
    if (conditions !== status.conditions) out = { ...out, status: { ...status, conditions } as Pod['status'] };
  }
  return out;
}

/** The pod with every default the API server fills in on create (shallow copies where it changes). */
export function fillPodDefaults(pod: Pod): Pod {
  const spec = pod.spec as unknown;
  if (!isObject(spec)) return pod;
  const s: Rec = { ...spec };
  // An old-style pod naming only the deprecated field gets it as serviceAccountName.
  if (s.serviceAccountName === undefined && typeof s.serviceAccount === 'string' && s.serviceAccount !== '') s.serviceAccountName = s.serviceAccount;
  for (const k in POD_SPEC_DEFAULTS) if (s[k] === undefined) s[k] = POD_SPEC_DEFAULTS[k];
  if (s.serviceAccount === undefined) s.serviceAccount = s.serviceAccountName;
  if (s.securityContext === undefined) s.securityContext = {};
  if (s.containers !== undefined) s.containers = mapList(s.containers, fillContainer);
  if (s.initContainers !== undefined) s.initContainers = mapList(s.initContainers, fillContainer);
  const out: Pod = { ...pod, spec: s as unknown as Pod['spec'] };
  const status = pod.status as unknown;
  if (isObject(status) && Array.isArray(status.conditions)) {
    const conditions = mapList(status.conditions, (c) => (isObject(c) && c.lastProbeTime === undefined ? { ...c, lastProbeTime: null } : c));
    if (conditions !== status.conditions) out.status = { ...status, conditions } as Pod['status'];
  }
  return out;
}
