/**
 * Turns a dump file (what `kubectl get -o yaml|json` prints, or an `sdrain snapshot` file) into the objects a simulator
 * starts with. Real dumps are messy: namespaces exist only implicitly, some objects lack a uid
 * or a namespace, pods name nodes that are not in the file. Those are repaired
 * deterministically; what cannot be used at all becomes an InputError naming the object.
 */
import { derivedUid } from '../kube/derived-uid.js';
import type { KubeObject, Pod } from '../model/k8s.js';
import { fillPodDefaults } from '../kube/pod-defaults.js';
import { InputError, type Diagnostic } from '../errors.js';
import { readObjects } from '../snapshot/read-objects.js';
import { snapshotFileObjects } from '../snapshot/snapshot-file.js';
import { resourceForKind } from './server/resources.js';

export interface LoadedObjects {
  /** Namespaces first, then everything else in file order; ready for MemoryStore.load. */
  objects: KubeObject[];
  warnings: Diagnostic[];
}

/** Namespaces every real cluster has; created when the dump does not list them. */
const BUILTIN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** A uid derived from the object's identity (src/kube/derived-uid.ts), so a dump without uids loads the same every time. */
function uidOf(o: KubeObject): string {
  return derivedUid(o.kind, o.metadata.namespace, o.metadata.name);
}

function describe(o: KubeObject): string {
  return `${o.kind} "${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}"`;
}

function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

/**
 * Prepares already-parsed objects: drops kinds the simulator does not serve (a warning each),
 * fixes namespaces and uids, drops duplicates and adds missing Namespaces.
 */
export function prepareObjects(input: KubeObject[], file: string): LoadedObjects {
  const warnings: Diagnostic[] = [];
  const seen = new Set<string>();
  const namespaces: KubeObject[] = [];
  const others: KubeObject[] = [];
  const skipped = new Map<string, number>();
  for (const original of input) {
    const res = resourceForKind(original.kind);
    if (!res) {
      skipped.set(original.kind, (skipped.get(original.kind) ?? 0) + 1);
      continue;
    }
    // A slim snapshot file leaves out the pod fields that hold their API-server default.
    const filled = original.kind === 'Pod' ? fillPodDefaults(original as Pod) : original;
    const o: KubeObject = { ...filled, metadata: { ...filled.metadata } };
    if (res.namespaced) o.metadata.namespace = o.metadata.namespace || 'default';
    else delete o.metadata.namespace;
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) {
      warnings.push({ file, object: describe(o), message: `Skipped a second copy of ${describe(o)}; the first one is kept` });
      continue;
    }
    seen.add(key);
    if (!o.metadata.uid) o.metadata.uid = uidOf(o);
    delete o.metadata.resourceVersion;
    (o.kind === 'Namespace' ? namespaces : others).push(o);
  }
  for (const [kind, n] of [...skipped.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    warnings.push({ file, message: `Skipped ${n} ${kind} object${n === 1 ? '' : 's'}: the simulator does not serve this kind` });
  }
  const have = new Set(namespaces.map((n) => n.metadata.name));
  const wanted = new Set(BUILTIN_NAMESPACES);
  for (const o of others) if (o.metadata.namespace) wanted.add(o.metadata.namespace);
  for (const ns of [...wanted].sort()) {
    if (!have.has(ns)) {
      const n = namespaceObject(ns);
      n.metadata.uid = uidOf(n);
      namespaces.push(n);
    }
  }
  return { objects: [...namespaces, ...others], warnings };
}

/** Reads and prepares a dump. Throws InputError (every problem at once) when it cannot be used. */
export function loadObjects(text: string, file: string): LoadedObjects {
  const own = snapshotFileObjects(text, file);
  const read = own ? { ...own, warnings: [] } : readObjects(text, file);
  if (read.errors.length > 0) {
    throw new InputError('INPUT_INVALID', `Cannot load the cluster file "${file}": ${read.errors.length} problem${read.errors.length === 1 ? '' : 's'}`, read.errors, 'Fix the objects listed above, or remove them from the file.');
  }
  if (read.objects.length === 0) {
    throw new InputError('INPUT_INVALID', `Cannot load the cluster file "${file}": it contains no Kubernetes objects`, [{ file, message: 'The file has no objects (expected what `kubectl get ... -o yaml` prints)' }]);
  }
  const prepared = prepareObjects(read.objects, file);
  return { objects: prepared.objects, warnings: [...read.warnings, ...prepared.warnings] };
}
