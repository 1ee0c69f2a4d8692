/**
 * sdrain's own snapshot file, written by `sdrain snapshot` and read wherever a cluster file is
 * accepted:
 *
 *     {"apiVersion":"sdrain.io/v1alpha1","kind":"Snapshot","cluster":{"server":"...","uid":"..."},"items":[
 *     {...one object, canonical JSON...},
 *     {...}
 *     ]}
 *
 * - The envelope keys come in that fixed order so a reader can recognise the format from the
 *   first line; `items` holds one object per line so the file can later be read as a stream.
 * - Inside, keys are sorted (code-unit order) and items come in snapshot order (namespaces,
 *   nodes, pods, ... then other kinds; each by namespace, name, uid): the same cluster always
 *   gives the same bytes, so snapshots diff well.
 * - Slim and secret-free: managedFields, node images, kubectl's last-applied-configuration
 *   annotation, ConfigMap/Secret payloads and every literal env `value` are left out (values
 *   are replaced by ENV_VALUE_REDACTED) — the planner needs none of them.
 * - Only apiVersion sdrain.io/v1alpha1 is read; other versions are refused, never guessed at.
 */
import { InputError, type Diagnostic } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';
import { SNAPSHOT_KINDS, type ClusterIdentity, type Snapshot } from '../model/snapshot.js';
import { readObjects } from './read-objects.js';
import { buildSnapshot } from './build-snapshot.js';

export const SNAPSHOT_FILE_API_VERSION = 'sdrain.io/v1alpha1';
export const SNAPSHOT_FILE_KIND = 'Snapshot';
/** What a literal env value becomes in a snapshot file. */
export const ENV_VALUE_REDACTED = 'sdrain:redacted';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Object-level slimming on shallow copies; nested rules (managedFields, env) apply while writing. */
function slimTop(o: KubeObject): KubeObject {
  const out: KubeObject = { ...o };
  const ann = o.metadata.annotations;
  if (ann && LAST_APPLIED in ann) {
    const rest = { ...ann };
    delete rest[LAST_APPLIED];
    out.metadata = { ...o.metadata, annotations: rest };
    if (Object.keys(rest).length === 0) delete out.metadata.annotations;
  }
  if (o.kind === 'Node' && o.status && typeof o.status === 'object' && 'images' in o.status) {
    const status = { ...(o.status as Record<string, unknown>) };
    delete status.images;
    out.status = status;
  }
  if (o.kind === 'Secret' || o.kind === 'ConfigMap') {
    delete out.data;
    delete out.stringData;
    delete out.binaryData;
  }
  return out;
}

/**
 * Canonical JSON (keys in code-unit order, no whitespace, undefined members left out). With
 * `slim`, also drops every `managedFields` and replaces literal values in every `env` list.
 */
function writeJson(v: unknown, slim: boolean, key: string): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      let item: unknown = v[i];
      if (slim && key === 'env' && item !== null && typeof item === 'object' && typeof (item as { value?: unknown }).value === 'string') {
        item = { ...(item as object), value: ENV_VALUE_REDACTED };
      }
      s += item === undefined ? 'null' : writeJson(item, slim, '');
    }
    return `${s}]`;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = obj[k];
    if (x === undefined || (slim && k === 'managedFields')) continue;
    if (!first) s += ',';
    first = false;
    s += `${JSON.stringify(k)}:${writeJson(x, slim, k)}`;
  }
  return `${s}}`;
}

/** JSON with object keys sorted in code-unit order and no whitespace. */
export function canonicalJson(value: unknown): string {
  return writeJson(value, false, '');
}

/** The object's canonical, slim JSON: exactly what a snapshot file stores for it. */
function slimJson(o: KubeObject): string {
  return writeJson(slimTop(o), true, '');
}

/** The object as stored in a snapshot file: no managedFields, images, payloads or env values. */
export function slimObject(o: KubeObject): KubeObject {
  return JSON.parse(slimJson(o)) as KubeObject;
}

/** All of a snapshot's objects in snapshot order. */
function snapshotItems(snapshot: Snapshot): KubeObject[] {
  const lists = Object.values(SNAPSHOT_KINDS).map((key) => snapshot[key] as KubeObject[]);
  return ([] as KubeObject[]).concat(...lists, snapshot.other);
}

/** The snapshot file's text (canonical, slim, ending in a newline). */
export function serializeSnapshot(snapshot: Snapshot): string {
  const cluster: ClusterIdentity = {};
  if (snapshot.cluster.server !== undefined) cluster.server = snapshot.cluster.server;
  if (snapshot.cluster.uid !== undefined) cluster.uid = snapshot.cluster.uid;
  const head = `{"apiVersion":${JSON.stringify(SNAPSHOT_FILE_API_VERSION)},"kind":${JSON.stringify(SNAPSHOT_FILE_KIND)},"cluster":${canonicalJson(cluster)},"items":[`;
  const lines = snapshotItems(snapshot).map(slimJson);
  return `${head}\n${lines.join(',\n')}${lines.length ? '\n' : ''}]}\n`;
}

const OWN_FORMAT_RE = /^\s*\{\s*"apiVersion"\s*:\s*"sdrain\.io\//;

interface OwnFormat {
  objects: KubeObject[];
  cluster: ClusterIdentity;
  errors: Diagnostic[];
}

/** Reads an sdrain snapshot file; undefined when `text` is not one. */
function readOwnFormat(text: string, file: string): OwnFormat | undefined {
  if (!OWN_FORMAT_RE.test(text.slice(0, 200))) return undefined;
  let doc: { apiVersion?: unknown; kind?: unknown; cluster?: unknown; items?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    return { objects: [], cluster: {}, errors: [{ file, message: `Cannot parse the snapshot file: ${(e as Error).message}` }] };
  }
  if (doc.kind !== SNAPSHOT_FILE_KIND) {
    const what = doc.kind === 'Maintenance' ? 'a maintenance spec' : `a "${String(doc.kind)}"`;
    return { objects: [], cluster: {}, errors: [{ file, message: `Cannot read the cluster from this file: it is ${what}, not a cluster snapshot or object dump` }] };
  }
  if (doc.apiVersion !== SNAPSHOT_FILE_API_VERSION) {
    return { objects: [], cluster: {}, errors: [{ file, field: 'apiVersion', message: `Cannot read snapshot format "${String(doc.apiVersion)}": this sdrain reads "${SNAPSHOT_FILE_API_VERSION}" only` }] };
  }
  const errors: Diagnostic[] = [];
  const cluster: ClusterIdentity = {};
  const c = doc.cluster as Record<string, unknown> | undefined;
  if (c !== undefined && (c === null || typeof c !== 'object' || Array.isArray(c))) errors.push({ file, field: 'cluster', message: 'must be a map with "server" and "uid"' });
  else {
    if (typeof c?.server === 'string') cluster.server = c.server;
    if (typeof c?.uid === 'string') cluster.uid = c.uid;
  }
  if (!Array.isArray(doc.items)) return { objects: [], cluster, errors: [...errors, { file, field: 'items', message: 'must be a list of objects' }] };
  const objects: KubeObject[] = [];
  doc.items.forEach((item: unknown, i) => {
    const o = item as Partial<KubeObject> | null;
    const ok = o !== null && typeof o === 'object' && typeof o.kind === 'string' && typeof o.apiVersion === 'string' && typeof o.metadata?.name === 'string' && o.metadata.name !== '';
    if (ok) objects.push(o as KubeObject);
    else errors.push({ file, field: `items[${i}]`, message: 'is not an object with apiVersion, kind and metadata.name' });
  });
  return { objects, cluster, errors };
}

/** True when `text` looks like an sdrain snapshot file (cheap: looks at the start only). */
export function isSnapshotFileText(text: string): boolean {
  return OWN_FORMAT_RE.test(text.slice(0, 200)) && /"kind"\s*:\s*"Snapshot"/.test(text.slice(0, 300));
}

/**
 * A cluster file (sdrain snapshot, `kubectl get -o yaml|json` output, multi-document YAML) →
 * Snapshot. Throws InputError('INPUT_INVALID') listing every error; warnings are returned for
 * the caller to show.
 */
export function loadSnapshotText(text: string, file: string): { snapshot: Snapshot; warnings: Diagnostic[] } {
  const own = readOwnFormat(text, file);
  let objects: KubeObject[];
  let cluster: ClusterIdentity = {};
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  if (own) {
    objects = own.objects;
    cluster = own.cluster;
    errors.push(...own.errors);
  } else {
    const r = readObjects(text, file);
    objects = r.objects;
    errors.push(...r.errors);
    warnings.push(...r.warnings);
    const spec = objects.find((o) => o.kind === 'Maintenance' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('sdrain.io/'));
    if (spec) errors.push({ file, object: `Maintenance "${spec.metadata.name}"`, message: 'Cannot read the cluster from this file: it holds a maintenance spec, not cluster objects (pass it with -f instead)' });
  }
  const built = buildSnapshot(objects, cluster, file);
  errors.push(...built.errors);
  warnings.push(...built.warnings);
  if (errors.length > 0) {
    const n = errors.length;
    throw new InputError('INPUT_INVALID', `Cannot load the cluster snapshot "${file}": ${n} problem${n === 1 ? '' : 's'} found`, errors, 'Fix the objects listed above, or leave them out of the file.');
  }
  return { snapshot: built.snapshot, warnings };
}
