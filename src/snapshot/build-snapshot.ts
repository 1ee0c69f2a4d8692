/**
 * Objects → Snapshot: sorts them into the typed collections in a fixed order and checks what the
 * planner relies on (quantities parse, replicas are not negative, selectors are well formed, no
 * object appears twice), collecting every problem. Pure and independent of input order, so a
 * cluster read twice gives the same snapshot and the same plan.
 */
import { compareStrings } from '../placement/compare-strings.js';
import { derivedUid } from '../kube/derived-uid.js';
import type { Diagnostic } from '../errors.js';
import type { KubeObject, LabelSelector, ObjectMeta, OwnerReference } from '../model/k8s.js';
import { SNAPSHOT_KINDS, emptySnapshot, type ClusterIdentity, type Snapshot } from '../model/snapshot.js';
import { isQuantity } from '../kube/quantity.js';
import { parseSelector } from '../kube/selector.js';

export interface BuildSnapshotResult {
  snapshot: Snapshot;
  /** Problems the planner cannot work around; callers refuse to plan on them. */
  errors: Diagnostic[];
  /** Oddities worth telling the user about (exact duplicates, missing selectors, ...). */
  warnings: Diagnostic[];
}

/** Kinds that live in a namespace; a missing namespace means "default", as with kubectl apply. */
const NAMESPACED = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'ControllerRevision',
  'Job',
  'CronJob',
  'PodDisruptionBudget',
  'PersistentVolumeClaim',
  'HorizontalPodAutoscaler',
  'Lease',
  'ReplicationController',
  'ConfigMap',
  'Secret',
  'Service',
]);

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SELECTOR_OPS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export { derivedUid };

const cmp = compareStrings;

/** namespace, name, uid: plain code-unit order. */
function byIdentity(a: KubeObject, b: KubeObject): number {
  return cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name) || cmp(a.metadata.uid ?? '', b.metadata.uid ?? '');
}

/**
 * Sorts in place in byIdentity order. Comparing one precomputed key per object ("\0" sorts
 * before every character a name can hold) is several times faster than byIdentity on large,
 * shuffled collections.
 */
function sortByIdentity(list: KubeObject[]): void {
  // Snapshot files store objects in this order already: checking is much cheaper than sorting.
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) sorted = byIdentity(list[i - 1]!, list[i]!) <= 0;
  if (sorted) return;
  const keyed = list.map((o) => ({ k: `${o.metadata.namespace ?? ''}\0${o.metadata.name}\0${o.metadata.uid ?? ''}`, o }));
  keyed.sort((a, b) => cmp(a.k, b.k));
  for (let i = 0; i < keyed.length; i++) list[i] = keyed[i]!.o;
}

/** Unmodelled kinds are grouped by kind first, then the usual identity order. */
function byKindThenIdentity(a: KubeObject, b: KubeObject): number {
  return cmp(a.kind, b.kind) || cmp(a.apiVersion ?? '', b.apiVersion ?? '') || byIdentity(a, b);
}

function describe(o: KubeObject): string {
  return `${o.kind} "${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}"`;
}

/** The group of an apiVersion ("apps/v1" → "apps", "v1" → ""), so v1beta1 and v1 copies collide. */
function groupOf(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function isIntOrPercent(v: unknown): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0;
  return typeof v === 'string' && /^\d+%$/.test(v);
}

/** Deep equality of plain JSON values, ignoring key order. */
function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameContent(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameContent((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

class Checker {
  readonly errors: Diagnostic[] = [];
  /** Clusters repeat a handful of quantity strings across thousands of pods. */
  private readonly quantityVerdict = new Map<unknown, 'ok' | 'invalid' | 'negative'>();
  /** Whether a string is a valid label key (selectors repeat a few keys many times). */
  private readonly keyVerdict = new Map<string, boolean>();
  readonly warnings: Diagnostic[] = [];
  constructor(private readonly file: string) {}

  error(o: KubeObject, message: string): void {
    this.errors.push({ file: this.file, object: describe(o), message: `Cannot use ${describe(o)}: ${message}` });
  }

  warn(o: KubeObject, message: string): void {
    // The object is in its own field (printed before the message), so it is not repeated here.
    this.warnings.push({ file: this.file, object: describe(o), message });
  }

  /** `where` may be a function, so the common case (no problem) builds no text. */
  quantities(o: KubeObject, whereText: string | (() => string), values: unknown): void {
    if (values === undefined || values === null) return;
    const where = () => (typeof whereText === 'string' ? whereText : whereText());
    if (typeof values !== 'object' || Array.isArray(values)) {
      this.error(o, `${where()} is not a map of resource quantities`);
      return;
    }
    for (const res in values as Record<string, unknown>) {
      const q = (values as Record<string, unknown>)[res];
      let verdict = this.quantityVerdict.get(q);
      if (verdict === undefined) {
        verdict = !isQuantity(q) ? 'invalid' : (typeof q === 'string' ? q.trim().startsWith('-') : (q as number) < 0) ? 'negative' : 'ok';
        this.quantityVerdict.set(q, verdict);
      }
      if (verdict === 'invalid') this.error(o, `${where()} ${res} ${JSON.stringify(q)} is not a valid quantity (expected a number with an optional suffix such as 250m, 1Gi)`);
      else if (verdict === 'negative') this.error(o, `${where()} ${res} ${JSON.stringify(q)} is negative`);
    }
  }

  replicas(o: KubeObject): void {
    const r = (o.spec as { replicas?: unknown } | undefined)?.replicas;
    if (r === undefined || r === null) return;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) this.error(o, `spec.replicas ${JSON.stringify(r)} must be a whole number of at least 0`);
  }

  labels(o: KubeObject, where: string, labels: unknown): void {
    if (labels === undefined || labels === null) return;
    if (typeof labels !== 'object' || Array.isArray(labels)) {
      this.error(o, `${where} is not a map`);
      return;
    }
    for (const k in labels as Record<string, unknown>) {
      const v = (labels as Record<string, unknown>)[k];
      if (typeof v !== 'string') this.error(o, `${where} "${k}" has the value ${JSON.stringify(v)}, which is not a string (quote it in YAML)`);
    }
  }

  selector(o: KubeObject, where: string, sel: LabelSelector | null | undefined, required: boolean): void {
    if (sel === undefined || sel === null) {
      if (required) this.warn(o, `has no ${where}, so it selects no pods`);
      return;
    }
    if (typeof sel !== 'object' || Array.isArray(sel)) {
      this.error(o, `${where} is not a label selector`);
      return;
    }
    const bad = (why: string) => this.error(o, `${where} is malformed: ${why}`);
    const key = (k: unknown): boolean => {
      if (typeof k !== 'string' || k === '') return false;
      let ok = this.keyVerdict.get(k);
      if (ok === undefined) {
        try {
          const r = parseSelector(k);
          ok = r.length === 1 && r[0]!.operator === 'Exists' && r[0]!.key === k;
        } catch {
          ok = false;
        }
        this.keyVerdict.set(k, ok);
      }
      return ok;
    };
    const value = (v: unknown): boolean => typeof v === 'string' && v.length <= 63 && LABEL_VALUE_RE.test(v);
    const ml = sel.matchLabels;
    if (ml !== undefined && ml !== null) {
      if (typeof ml !== 'object' || Array.isArray(ml)) bad('matchLabels is not a map');
      else
        for (const [k, v] of Object.entries(ml as Record<string, unknown>)) {
          if (!key(k)) bad(`"${k}" is not a valid label key`);
          if (!value(v)) bad(`matchLabels "${k}" has the value ${JSON.stringify(v)}, which is not a valid label value`);
        }
    }
    const me = sel.matchExpressions;
    if (me !== undefined && me !== null) {
      if (!Array.isArray(me)) bad('matchExpressions is not a list');
      else
        me.forEach((e, i) => {
          const ex = e as { key?: unknown; operator?: unknown; values?: unknown };
          if (!key(ex.key)) bad(`matchExpressions[${i}].key ${JSON.stringify(ex.key)} is not a valid label key`);
          if (typeof ex.operator !== 'string' || !SELECTOR_OPS.has(ex.operator)) {
            bad(`matchExpressions[${i}].operator ${JSON.stringify(ex.operator)} must be one of In, NotIn, Exists, DoesNotExist`);
            return;
          }
          const vals = ex.values === undefined || ex.values === null ? [] : ex.values;
          if (!Array.isArray(vals)) bad(`matchExpressions[${i}].values is not a list`);
          else if ((ex.operator === 'In' || ex.operator === 'NotIn') && vals.length === 0) bad(`matchExpressions[${i}] uses ${ex.operator} without values`);
          else if ((ex.operator === 'Exists' || ex.operator === 'DoesNotExist') && vals.length > 0) bad(`matchExpressions[${i}] uses ${ex.operator} with values`);
          else vals.forEach((v) => value(v) || bad(`matchExpressions[${i}] value ${JSON.stringify(v)} is not a valid label value`));
        });
    }
  }

  intOrPercent(o: KubeObject, where: string, v: unknown): void {
    if (v === undefined || v === null) return;
    if (!isIntOrPercent(v)) this.error(o, `${where} ${JSON.stringify(v)} must be a whole number of at least 0 or a percentage such as "25%"`);
  }
}

type PodSpecLike = { containers?: unknown; initContainers?: unknown; overhead?: unknown } | undefined;

function checkPodSpec(c: Checker, o: KubeObject, where: string, spec: PodSpecLike): void {
  if (!spec) return;
  if (spec.overhead !== undefined) c.quantities(o, `${where}.overhead`, spec.overhead);
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const ct of containers as { name?: string; resources?: { requests?: unknown; limits?: unknown } }[]) {
      const res = ct?.resources;
      if (!res) continue;
      c.quantities(o, () => `container "${ct.name ?? '?'}" requests`, res.requests);
      c.quantities(o, () => `container "${ct.name ?? '?'}" limits`, res.limits);
    }
  }
}

function checkObject(c: Checker, o: KubeObject): void {
  c.labels(o, 'label', o.metadata.labels);
  const spec = o.spec as Record<string, unknown> | undefined;
  switch (o.kind) {
    case 'Pod':
      checkPodSpec(c, o, 'spec', spec as PodSpecLike);
      break;
    case 'Node': {
      const status = o.status as { allocatable?: unknown; capacity?: unknown } | undefined;
      c.quantities(o, 'status.allocatable', status?.allocatable);
      c.quantities(o, 'status.capacity', status?.capacity);
      if (!status?.allocatable) c.warn(o, 'has no status.allocatable, so no pod fits on it');
      break;
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet': {
      if (o.kind !== 'DaemonSet') c.replicas(o);
      c.selector(o, 'spec.selector', spec?.selector as LabelSelector | undefined, true);
      const template = spec?.template as { metadata?: { labels?: unknown }; spec?: PodSpecLike } | undefined;
      c.labels(o, 'spec.template label', template?.metadata?.labels);
      checkPodSpec(c, o, 'spec.template.spec', template?.spec);
      const strategy = (o.kind === 'Deployment' ? spec?.strategy : spec?.updateStrategy) as { rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } } | undefined;
      const field = o.kind === 'Deployment' ? 'spec.strategy' : 'spec.updateStrategy';
      c.intOrPercent(o, `${field}.rollingUpdate.maxSurge`, strategy?.rollingUpdate?.maxSurge);
      c.intOrPercent(o, `${field}.rollingUpdate.maxUnavailable`, strategy?.rollingUpdate?.maxUnavailable);
      break;
    }
    case 'PodDisruptionBudget':
      c.selector(o, 'spec.selector', spec?.selector as LabelSelector | undefined, false);
      c.intOrPercent(o, 'spec.minAvailable', spec?.minAvailable);
      c.intOrPercent(o, 'spec.maxUnavailable', spec?.maxUnavailable);
      break;
    case 'Job': {
      const template = spec?.template as { spec?: PodSpecLike } | undefined;
      checkPodSpec(c, o, 'spec.template.spec', template?.spec);
      break;
    }
    default:
      break;
  }
}

/** Gives the object a namespace and uid when missing, copying only what changes. */
function normalise(o: KubeObject): KubeObject {
  const needsNs = NAMESPACED.has(o.kind) && (o.metadata.namespace === undefined || o.metadata.namespace === '');
  const needsUid = typeof o.metadata.uid !== 'string' || o.metadata.uid === '';
  if (!needsNs && !needsUid) return o;
  const metadata: ObjectMeta = { ...o.metadata };
  if (needsNs) metadata.namespace = 'default';
  if (needsUid) metadata.uid = derivedUid(o.kind, metadata.namespace, metadata.name);
  return { ...o, metadata };
}

/** Fills ownerReferences that lack a uid (hand-written files) with the owner's uid. */
function fillOwnerUids(o: KubeObject, uids: Map<string, string>): KubeObject {
  const refs = o.metadata.ownerReferences;
  if (!Array.isArray(refs) || refs.every((r) => typeof r?.uid === 'string' && r.uid !== '')) return o;
  const ns = o.metadata.namespace;
  const ownerReferences = refs.map((r): OwnerReference => {
    if (typeof r?.uid === 'string' && r.uid !== '') return r;
    const ownerNs = NAMESPACED.has(r.kind) ? ns : undefined;
    return { ...r, uid: uids.get(`${r.kind}\0${ownerNs ?? ''}\0${r.name}`) ?? derivedUid(r.kind, ownerNs, r.name) };
  });
  return { ...o, metadata: { ...o.metadata, ownerReferences } };
}

/**
 * Builds a Snapshot from objects (typically from readObjects). Objects are not modified; those
 * given a default namespace, a derived uid or owner uids are copies. Of several objects with
 * the same kind, namespace and name the first is kept and the others are reported as warnings
 * (real dumps stitched from several captures do this; the planner needs one of each).
 */
export function buildSnapshot(objects: KubeObject[], cluster: ClusterIdentity, file = '<cluster>'): BuildSnapshotResult {
  const c = new Checker(file);
  // kind (with group for unmodelled kinds) → namespace → name → first object seen. Nested maps
  // keyed by strings the objects already hold are much cheaper than one map of joined keys.
  const firstByIdentity = new Map<string, Map<string, Map<string, KubeObject>>>();
  const kept: KubeObject[] = [];
  const firstByUid = new Map<string, KubeObject>();
  const sharedUids = new Map<string, KubeObject[]>();
  let ownerUidsMissing = false;
  for (const raw of objects) {
    const o = normalise(raw);
    const meta = o.metadata;
    // Modelled kinds have one group (readObjects upgrades old versions); for other kinds the
    // group is part of the identity, so example.com/Widget and other.io/Widget never collide.
    const kindKey = o.kind in SNAPSHOT_KINDS ? o.kind : `${groupOf(o.apiVersion)}/${o.kind}`;
    let byNs = firstByIdentity.get(kindKey);
    if (!byNs) firstByIdentity.set(kindKey, (byNs = new Map()));
    const ns = meta.namespace ?? '';
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, (byName = new Map()));
    const first = byName.get(meta.name);
    if (first) {
      if (sameContent(first, raw)) c.warn(o, 'appears more than once; the copies are identical and the first is used');
      else c.warn(o, 'appears more than once with different content; the first copy is used and the others are ignored');
      continue;
    }
    byName.set(meta.name, raw);
    const uid = meta.uid!;
    const other = firstByUid.get(uid);
    if (other === undefined) firstByUid.set(uid, o);
    else sharedUids.set(uid, [...(sharedUids.get(uid) ?? [other]), o]);
    const refs = meta.ownerReferences;
    if (!ownerUidsMissing && Array.isArray(refs)) {
      for (const r of refs) if (typeof r?.uid !== 'string' || r.uid === '') ownerUidsMissing = true;
    }
    kept.push(o);
  }
  for (const [uid, owners] of sharedUids) {
    const names = owners.map(describe).sort(cmp);
    for (const o of owners) c.warn(o, `shares its uid ${uid} with ${names.filter((n) => n !== describe(o)).join(', ')}`);
  }
  const uids = new Map<string, string>();
  if (ownerUidsMissing) for (const o of kept) uids.set(`${o.kind}\0${o.metadata.namespace ?? ''}\0${o.metadata.name}`, o.metadata.uid!);

  const snapshot = emptySnapshot({ ...cluster });
  const kinds = SNAPSHOT_KINDS as Record<string, keyof typeof snapshot>;
  for (const raw of kept) {
    const o = ownerUidsMissing ? fillOwnerUids(raw, uids) : raw;
    checkObject(c, o);
    const key = kinds[o.kind];
    if (key === undefined || key === 'cluster') snapshot.other.push(o);
    else (snapshot[key] as KubeObject[]).push(o);
  }
  for (const key of Object.values(SNAPSHOT_KINDS)) sortByIdentity(snapshot[key] as KubeObject[]);
  snapshot.other.sort(byKindThenIdentity);

  if (snapshot.cluster.uid === undefined) {
    const ks = snapshot.namespaces.find((n) => n.metadata.name === 'kube-system');
    const orig = ks && firstByIdentity.get('Namespace')?.get('')?.get('kube-system');
    // Only a real uid identifies a cluster; a derived one would be the same for every file.
    if (ks && typeof orig?.metadata.uid === 'string' && orig.metadata.uid !== '') snapshot.cluster.uid = ks.metadata.uid;
  }
  const order = (a: Diagnostic, b: Diagnostic) => cmp(a.object ?? '', b.object ?? '') || cmp(a.message, b.message);
  c.errors.sort(order);
  c.warnings.sort(order);
  return { snapshot, errors: c.errors, warnings: c.warnings };
}
