/**
 * Server-side printing (meta.k8s.io/v1 Table): kubectl 1.35 has no client-side printers for
 * built-in kinds, so realistic `kubectl get` output depends entirely on these columns.
 * Column names and cell formats follow the upstream printers for each kind.
 */
import type { KubeObject, Node, Deployment, ReplicaSet, StatefulSet, DaemonSet, PodDisruptionBudget, Pod, PodTemplate } from '../../model/k8s.js';
import { fromLabelSelector, selectorToString } from '../../kube/selector.js';
import { age, humanDuration } from './human-duration.js';
import { podCells } from './pod-row.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  description?: string;
}

interface Printer {
  columns: Column[];
  cells(o: KubeObject, now: number): unknown[];
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
const AGE: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };
const wide = (name: string): Column => ({ name, type: 'string', priority: 1 });
const col = (name: string, type: Column['type'] = 'string'): Column => ({ name, type });

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const s = (o: KubeObject): Record<string, unknown> => (o.spec ?? {}) as Record<string, unknown>;
const st = (o: KubeObject): Record<string, unknown> => (o.status ?? {}) as Record<string, unknown>;
const ageOf = (o: KubeObject, now: number) => age(o.metadata.creationTimestamp, now);

function containersAndImages(t: PodTemplate | undefined): [string, string] {
  const cs = t?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

function selectorText(sel: unknown): string {
  const parsed = fromLabelSelector(sel as Parameters<typeof fromLabelSelector>[0]);
  if (!parsed || parsed.length === 0) return '<none>';
  return selectorToString(parsed);
}

function intOrPercent(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

function accessModes(modes: unknown): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return (Array.isArray(modes) ? modes : []).map((m) => short[String(m)] ?? String(m)).join(',');
}

function nodeRoles(n: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeStatus(n: Node): string {
  const parts: string[] = [];
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) parts.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (n.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function address(n: Node, type: string): string {
  return (n.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

/** `kubelet, node-1` as upstream's formatEventSource, or the events.k8s.io reporter. */
function eventSource(e: Record<string, unknown>): string {
  const src = (e.source ?? {}) as { component?: string; host?: string };
  const component = src.component || (e.reportingController as string | undefined) || (e.reportingComponent as string | undefined) || '';
  const host = src.host || (e.reportingInstance as string | undefined) || '';
  return host ? `${component}, ${host}` : component;
}

/** Upstream's printEvent: the last/first time from lastTimestamp, else eventTime (series.lastObservedTime). */
function eventCells(o: KubeObject, now: number): unknown[] {
  const e = o as unknown as Record<string, unknown>;
  const inv = (e.involvedObject ?? {}) as { kind?: string; name?: string; fieldPath?: string };
  const series = e.series as { lastObservedTime?: string } | undefined;
  const first = age((e.firstTimestamp as string | undefined) ?? (e.eventTime as string | undefined) ?? undefined, now);
  const last = age((e.lastTimestamp as string | undefined) ?? series?.lastObservedTime ?? (e.eventTime as string | undefined) ?? undefined, now);
  const target = inv.name ? `${(inv.kind ?? '').toLowerCase()}/${inv.name}` : (inv.kind ?? '').toLowerCase();
  const count = (e.count as number | undefined) ?? (e.deprecatedCount as number | undefined) ?? 1;
  return [last, e.type ?? '', e.reason ?? '', target, inv.fieldPath ?? '', eventSource(e), String(e.message ?? e.note ?? '').trim(), first, count, o.metadata.name];
}

const PRINTERS: Record<string, Printer> = {
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), wide('Subobject'), wide('Source'), col('Message'), wide('First Seen'), { name: 'Count', type: 'integer', priority: 1 }, { ...wide('Name'), format: 'name' }],
    cells: eventCells,
  },
  Pod: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts'), AGE, wide('IP'), wide('Node'), wide('Nominated Node'), wide('Readiness Gates')],
    cells: (o, now) => podCells(o as Pod, now),
  },
  Node: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), wide('Internal-IP'), wide('External-IP'), wide('OS-Image'), wide('Kernel-Version'), wide('Container-Runtime')],
    cells: (o, now) => {
      const n = o as Node;
      const info = n.status?.nodeInfo ?? {};
      return [n.metadata.name, nodeStatus(n), nodeRoles(n), ageOf(n, now), info.kubeletVersion ?? '', address(n, 'InternalIP'), address(n, 'ExternalIP'),
        info.osImage ?? '<unknown>', info.kernelVersion ?? '<unknown>', info.containerRuntimeVersion ?? '<unknown>'];
    },
  },
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, wide('Containers'), wide('Images'), wide('Selector')],
    cells: (o, now) => {
      const d = o as Deployment;
      const [c, i] = containersAndImages(d.spec?.template);
      return [d.metadata.name, `${num(d.status?.readyReplicas)}/${d.spec?.replicas ?? 1}`, num(d.status?.updatedReplicas), num(d.status?.availableReplicas), ageOf(d, now), c, i, selectorText(d.spec?.selector)];
    },
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, wide('Containers'), wide('Images'), wide('Selector')],
    cells: (o, now) => {
      const r = o as ReplicaSet;
      const [c, i] = containersAndImages(r.spec?.template);
      return [r.metadata.name, r.spec?.replicas ?? 1, num(r.status?.replicas), num(r.status?.readyReplicas), ageOf(r, now), c, i, selectorText(r.spec?.selector)];
    },
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, wide('Containers'), wide('Images')],
    cells: (o, now) => {
      const x = o as StatefulSet;
      const [c, i] = containersAndImages(x.spec?.template);
      return [x.metadata.name, `${num(x.status?.readyReplicas)}/${x.spec?.replicas ?? 1}`, ageOf(x, now), c, i];
    },
  },
  DaemonSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE,
      wide('Containers'), wide('Images'), wide('Selector')],
    cells: (o, now) => {
      const x = o as DaemonSet;
      const [c, i] = containersAndImages(x.spec?.template);
      const ns = Object.entries(x.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
      return [x.metadata.name, num(x.status?.desiredNumberScheduled), num(x.status?.currentNumberScheduled), num(x.status?.numberReady), num(x.status?.updatedNumberScheduled),
        num(x.status?.numberAvailable), ns, ageOf(x, now), c, i, selectorText(x.spec?.selector)];
    },
  },
  PodDisruptionBudget: {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), AGE],
    cells: (o, now) => {
      const p = o as PodDisruptionBudget;
      return [p.metadata.name, intOrPercent(p.spec?.minAvailable), intOrPercent(p.spec?.maxUnavailable), num(p.status?.disruptionsAllowed), ageOf(p, now)];
    },
  },
  PersistentVolumeClaim: {
    columns: [NAME, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), AGE, wide('VolumeMode')],
    cells: (o, now) => {
      const bound = st(o).phase === 'Bound';
      const cap = (st(o).capacity ?? {}) as Record<string, string>;
      return [o.metadata.name, st(o).phase ?? '', s(o).volumeName ?? '', bound ? cap.storage ?? '' : '', bound ? accessModes(st(o).accessModes) : '',
        s(o).storageClassName ?? '', s(o).volumeAttributesClassName ?? '<unset>', ageOf(o, now), s(o).volumeMode ?? '<unset>'];
    },
  },
  PersistentVolume: {
    columns: [NAME, col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), AGE, wide('VolumeMode')],
    cells: (o, now) => {
      const ref = s(o).claimRef as { namespace?: string; name?: string } | undefined;
      const phase = o.metadata.deletionTimestamp ? 'Terminating' : String(st(o).phase ?? '');
      return [o.metadata.name, ((s(o).capacity ?? {}) as Record<string, string>).storage ?? '', accessModes(s(o).accessModes), s(o).persistentVolumeReclaimPolicy ?? '', phase,
        ref?.name ? `${ref.namespace ?? ''}/${ref.name}` : '', s(o).storageClassName ?? '', s(o).volumeAttributesClassName ?? '<unset>', st(o).reason ?? '', ageOf(o, now), s(o).volumeMode ?? '<unset>'];
    },
  },
  Namespace: {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [o.metadata.name, st(o).phase ?? 'Active', ageOf(o, now)],
  },
  Job: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, wide('Containers'), wide('Images'), wide('Selector')],
    cells: (o, now) => {
      const x = st(o);
      const conds = (x.conditions ?? []) as { type: string; status: string }[];
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : o.metadata.deletionTimestamp ? 'Terminating' : has('Suspended') ? 'Suspended' : has('FailureTarget') ? 'FailureTarget' : 'Running';
      const completions = s(o).completions;
      const comp = completions !== undefined && completions !== null ? `${num(x.succeeded)}/${completions}` : `${num(x.succeeded)}/1 of ${num(s(o).parallelism ?? 1)}`;
      const start = Date.parse(String(x.startTime ?? ''));
      const end = Date.parse(String(x.completionTime ?? ''));
      const duration = Number.isNaN(start) ? '' : humanDuration((Number.isNaN(end) ? now : end) - start);
      const [c, i] = containersAndImages(s(o).template as PodTemplate | undefined);
      return [o.metadata.name, status, comp, duration, ageOf(o, now), c, i, selectorText(s(o).selector)];
    },
  },
  Lease: {
    columns: [NAME, col('Holder'), AGE],
    cells: (o, now) => [o.metadata.name, s(o).holderIdentity ?? '', ageOf(o, now)],
  },
  HorizontalPodAutoscaler: {
    columns: [NAME, col('Reference'), col('Targets'), col('MinPods'), col('MaxPods'), col('Replicas', 'integer'), AGE],
    cells: (o, now) => {
      const ref = (s(o).scaleTargetRef ?? {}) as { kind?: string; name?: string };
      const metrics = Array.isArray(s(o).metrics) ? (s(o).metrics as unknown[]) : [];
      return [o.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, metrics.length ? metrics.map(() => '<unknown>').join(', ') : '<none>',
        s(o).minReplicas !== undefined ? String(s(o).minReplicas) : '<unset>', num(s(o).maxReplicas), num(st(o).currentReplicas), ageOf(o, now)];
    },
  },
};

const GENERIC: Printer = { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, ageOf(o, now)] };

/** True when the Accept header asks for a meta.k8s.io Table (`as=Table`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((p) => /as=Table/.test(p) && /g=meta\.k8s\.io/.test(p));
}

function columnDefinitions(p: Printer): Record<string, unknown>[] {
  return p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }));
}

function row(p: Printer, o: KubeObject, now: number): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...o.metadata };
  delete metadata.managedFields;
  return {
    cells: p.cells(o, now),
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata },
  };
}

/** A Table of `objects` (a list, or one object for GET); `withColumns` false for later watch events. */
export function toTable(kind: string, objects: KubeObject[], now: number, meta: Record<string, unknown> = {}, withColumns = true): Record<string, unknown> {
  const p = PRINTERS[kind] ?? GENERIC;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(p) : null,
    rows: objects.map((o) => row(p, o, now)),
  };
}
