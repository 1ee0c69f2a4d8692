/**
 * Turns the text of an object dump — what `kubectl get ... -o yaml|json` prints (a `List`,
 * nested lists, or multi-document YAML) — into plain Kubernetes objects. Pure: the caller reads
 * the file. Every problem is collected with the file, the object and, for YAML, the line.
 *
 * Large dumps are parsed with js-yaml (about 8× faster than the `yaml` package's document API
 * on a 2.7 MB must-gather); only when there are problems to report is the text re-parsed with
 * `yaml`'s document API to find each object's line.
 */
import jsYaml from 'js-yaml';
import { LineCounter, parseAllDocuments, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';

/** The group/version sdrain stores each kind it models under (older versions are upgraded). */
export const CANONICAL_API_VERSION: Record<string, string> = {
  Namespace: 'v1',
  Node: 'v1',
  Pod: 'v1',
  PersistentVolume: 'v1',
  PersistentVolumeClaim: 'v1',
  ReplicationController: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ControllerRevision: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  PodDisruptionBudget: 'policy/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  Lease: 'coordination.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1',
  PriorityClass: 'scheduling.k8s.io/v1',
};

/** Annotation recording the apiVersion an object was read with when sdrain upgraded it. */
export const SOURCE_API_VERSION_ANNOTATION = 'sdrain.io/source-api-version';

export interface ReadObjectsResult {
  objects: KubeObject[];
  /** Problems that make an object unusable (it is left out). */
  errors: Diagnostic[];
  /** Things worth knowing that do not stop loading (unknown kinds, upgraded versions). */
  warnings: Diagnostic[];
}

interface Located {
  value: unknown;
  /**
   * With `index`, the path of document and list indexes, used to find the YAML line on error:
   * the enclosing list's path (shared by its elements, so no array per object) and the index.
   */
  parent: number[];
  index: number;
}

function pathOf(l: Located): number[] {
  return [...l.parent, l.index];
}

function describe(obj: unknown, path: number[]): string {
  const o = obj as Partial<KubeObject> | null;
  const kind = typeof o?.kind === 'string' ? o.kind : 'object';
  const name = typeof o?.metadata?.name === 'string' ? o.metadata.name : undefined;
  const ns = typeof o?.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
  if (name) return `${kind} "${ns ? `${ns}/` : ''}${name}"`;
  return `${kind} at ${path.length > 1 ? `document ${path[0]! + 1}, item ${path.slice(1).map((i) => i + 1).join('.')}` : `document ${path[0]! + 1}`}`;
}

/** Lists nest a level or two in real dumps; deeper nesting is reported, not recursed into (no stack overflow). */
const MAX_LIST_DEPTH = 32;

function flatten(value: unknown, parent: number[], index: number, out: Located[]): void {
  if (value === null || value === undefined) return;
  if (parent.length + 1 > MAX_LIST_DEPTH) {
    out.push({ value, parent, index });
    return;
  }
  const v = value as { kind?: unknown; items?: unknown };
  const list = typeof v === 'object' && !Array.isArray(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items) ? v.items : Array.isArray(value) ? value : undefined;
  if (list) {
    const path = [...parent, index];
    for (let i = 0; i < list.length; i++) flatten(list[i], path, i, out);
    return;
  }
  out.push({ value, parent, index });
}

function parseText(text: string, file: string): { docs: unknown[]; error?: Diagnostic } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { docs: [JSON.parse(text)] };
    } catch (e) {
      // Fall through to YAML, which reports a line and column for malformed JSON too.
      void e;
    }
  }
  try {
    const docs: unknown[] = [];
    jsYaml.loadAll(text, (d) => docs.push(d), { schema: jsYaml.CORE_SCHEMA, filename: file });
    return { docs };
  } catch (e) {
    const err = e as { mark?: { line: number; column: number }; reason?: string; message?: string };
    return {
      docs: [],
      error: {
        file,
        line: err.mark ? err.mark.line + 1 : undefined,
        column: err.mark ? err.mark.column + 1 : undefined,
        message: `Cannot parse the file: ${err.reason ?? err.message ?? String(e)}`,
      },
    };
  }
}

/** Finds the 1-based line of the YAML node at `path` (document index, then item indexes). */
function lineOf(text: string, paths: number[][]): Map<string, number> {
  const result = new Map<string, number>();
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const path of paths) {
    const doc = list[path[0]!];
    let node: unknown = doc?.contents;
    for (const idx of path.slice(1)) {
      if (isMap(node) && !isSeq(node)) node = (node as { get(k: string, keep: true): unknown }).get('items', true);
      node = isSeq(node) ? (node.items[idx] as unknown) : undefined;
    }
    const range = (node as YamlNode | undefined)?.range;
    if (range) result.set(path.join('.'), lc.linePos(range[0]).line);
  }
  return result;
}

function check(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'is not an object';
  const o = obj as Record<string, unknown>;
  if (typeof o.kind !== 'string' || o.kind === '') return 'has no "kind"';
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return 'has no "metadata"';
  if (typeof meta.name !== 'string' || meta.name === '') return 'has no "metadata.name"';
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') return '"metadata.namespace" is not a string';
  if (meta.labels !== undefined && (typeof meta.labels !== 'object' || meta.labels === null || Array.isArray(meta.labels))) {
    return '"metadata.labels" is not a map';
  }
  if (o.kind === 'Pod') {
    const spec = o.spec as Record<string, unknown> | undefined;
    if (!spec || !Array.isArray(spec.containers)) return 'has no "spec.containers" list';
  }
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(o.kind)) {
    const spec = o.spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec !== 'object') return 'has no "spec"';
    if (o.kind !== 'ReplicaSet' && (typeof spec.template !== 'object' || spec.template === null)) return 'has no "spec.template"';
  }
  return undefined;
}

interface Bad {
  path: number[];
  diag: Diagnostic;
  isError: boolean;
}

/** Checks and upgrades the objects in parsed documents; problems come with their path (for finding the YAML line). */
function collect(docs: unknown[], file: string): { objects: KubeObject[]; bad: Bad[] } {
  const located: Located[] = [];
  docs.forEach((d, i) => flatten(d, [], i, located));
  const objects: KubeObject[] = [];
  const bad: Bad[] = [];
  for (const l of located) {
    const value = l.value;
    const why = check(value);
    if (why) {
      const path = pathOf(l);
      bad.push({ path, isError: true, diag: { file, object: describe(value, path), message: `Cannot load ${describe(value, path)}: it ${why}` } });
      continue;
    }
    let obj = value as KubeObject;
    const canonical = CANONICAL_API_VERSION[obj.kind];
    if (canonical === undefined) {
      if (typeof obj.apiVersion !== 'string') {
        const path = pathOf(l);
        bad.push({ path, isError: true, diag: { file, object: describe(obj, path), message: `Cannot load ${describe(obj, path)}: it has no "apiVersion" and sdrain does not know the kind` } });
        continue;
      }
    } else if (obj.apiVersion !== canonical) {
      // A copy of the envelope and metadata, so the caller's parsed value stays as it was.
      obj = { ...obj, metadata: { ...obj.metadata } };
      if (typeof obj.apiVersion === 'string' && obj.apiVersion !== '') {
        obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [SOURCE_API_VERSION_ANNOTATION]: obj.apiVersion };
      }
      obj.apiVersion = canonical;
    }
    objects.push(obj);
  }
  return { objects, bad };
}

/**
 * Reads every object in `text`. Objects that cannot be used are reported in `errors` and left
 * out; kinds sdrain does not model are kept (the simulator serves some of them) with a warning.
 */
export function readObjects(text: string, file: string): ReadObjectsResult {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const { docs, error } = parseText(text, file);
  if (error) return { objects: [], errors: [error], warnings };
  const { objects, bad } = collect(docs, file);
  if (bad.length > 0 && !text.trimStart().startsWith('{') && !text.trimStart().startsWith('[')) {
    const lines = lineOf(text, bad.map((b) => b.path));
    for (const b of bad) b.diag.line = lines.get(b.path.join('.'));
  }
  for (const b of bad) (b.isError ? errors : warnings).push(b.diag);
  return { objects, errors, warnings };
}

/**
 * The same as readObjects for documents already parsed from JSON (the streaming reader's):
 * `docs[0]` is the whole document. Problems name the object or its place in the list.
 */
export function readParsedDocuments(docs: unknown[], file: string): ReadObjectsResult {
  const { objects, bad } = collect(docs, file);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  for (const b of bad) (b.isError ? errors : warnings).push(b.diag);
  return { objects, errors, warnings };
}

