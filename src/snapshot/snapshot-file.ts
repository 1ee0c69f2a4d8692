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
 *   are replaced by ENV_VALUE_REDACTED) — the planner needs none of them. Pod fields that hold
 *   the API server's default (src/kube/pod-defaults.ts) are left out too; the simulator fills
 *   them back in when it loads the file.
 * - Only apiVersion sdrain.io/v1alpha1 is read; other versions are refused, never guessed at.
 */
import { constants as bufferConstants } from 'node:buffer';
import { compactCanonicalJson } from '../planfile/canonical-json.js';
import { InputError, type Diagnostic } from '../errors.js';
import type { KubeObject, Pod } from '../model/k8s.js';
import { omitPodDefaults } from '../kube/pod-defaults.js';
import { SNAPSHOT_KINDS, type ClusterIdentity, type Snapshot } from '../model/snapshot.js';
import { readObjects, readParsedDocuments } from './read-objects.js';
import { buildSnapshot } from './build-snapshot.js';
import { JsonItemSplitter, JsonItemsError } from './json-items.js';

export const SNAPSHOT_FILE_API_VERSION = 'sdrain.io/v1alpha1';
export const SNAPSHOT_FILE_KIND = 'Snapshot';
/** What a literal env value becomes in a snapshot file. */
export const ENV_VALUE_REDACTED = 'sdrain:redacted';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Object-level slimming on shallow copies; nested rules (managedFields, env) apply while writing. */
function slimTop(o: KubeObject): KubeObject {
  // omitPodDefaults already returns a copy (its spec is always a new object).
  const out: KubeObject = o.kind === 'Pod' && o.spec && typeof o.spec === 'object' ? omitPodDefaults(o as Pod) : { ...o };
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

/** The object's canonical, slim JSON: exactly what a snapshot file stores for it. */
function slimJson(o: KubeObject): string {
  return writeJson(slimTop(o), true, '');
}

/**
 * slimJson's value without the text: a deep copy with keys in code-unit order, without
 * managedFields and with literal env values replaced. For JSON data (what the API returns) it
 * equals JSON.parse(writeJson(v, true, key)), at a fraction of the cost.
 */
function slimCopy(v: unknown, key: string): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      let item: unknown = v[i];
      if (key === 'env' && item !== null && typeof item === 'object' && typeof (item as { value?: unknown }).value === 'string') {
        item = { ...(item as object), value: ENV_VALUE_REDACTED };
      }
      out[i] = item === undefined ? null : slimCopy(item, '');
    }
    return out;
  }
  const obj = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) {
    const x = obj[k];
    if (x === undefined || k === 'managedFields') continue;
    out[k] = slimCopy(x, k);
  }
  return out;
}

/** The object as stored in a snapshot file: no managedFields, images, payloads or env values. */
export function slimObject(o: KubeObject): KubeObject {
  return slimCopy(slimTop(o), '') as KubeObject;
}

/** All of a snapshot's objects in snapshot order. */
function snapshotItems(snapshot: Snapshot): KubeObject[] {
  const lists = Object.values(SNAPSHOT_KINDS).map((key) => snapshot[key] as KubeObject[]);
  return ([] as KubeObject[]).concat(...lists, snapshot.other);
}

/** Roughly how much text snapshotTextChunks puts in one chunk. */
const CHUNK_CHARS = 1 << 20;

/**
 * The snapshot file's text (canonical, slim, ending in a newline) in chunks of about 1 MiB, for
 * writing files larger than the longest string V8 can hold (~512 MiB). Joined, the chunks are
 * exactly serializeSnapshot's text.
 */
export function* snapshotTextChunks(snapshot: Snapshot): Generator<string> {
  const cluster: ClusterIdentity = {};
  if (snapshot.cluster.server !== undefined) cluster.server = snapshot.cluster.server;
  if (snapshot.cluster.uid !== undefined) cluster.uid = snapshot.cluster.uid;
  let chunk = `{"apiVersion":${JSON.stringify(SNAPSHOT_FILE_API_VERSION)},"kind":${JSON.stringify(SNAPSHOT_FILE_KIND)},"cluster":${compactCanonicalJson(cluster)},"items":[\n`;
  const items = snapshotItems(snapshot);
  const last = items.length - 1;
  for (let i = 0; i <= last; i++) {
    chunk += slimJson(items[i]!) + (i < last ? ',\n' : '\n');
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}\n`;
}

/** The snapshot file's text (canonical, slim, ending in a newline). Limited to ~512 MiB: use snapshotTextChunks for more. */
export function serializeSnapshot(snapshot: Snapshot): string {
  let text = '';
  for (const chunk of snapshotTextChunks(snapshot)) text += chunk;
  return text;
}

const OWN_FORMAT_RE = /^\s*\{\s*"apiVersion"\s*:\s*"sdrain\.io\//;

interface OwnFormat {
  objects: KubeObject[];
  cluster: ClusterIdentity;
  errors: Diagnostic[];
}

/**
 * Reads an sdrain snapshot file pushed in chunks: one object per line, each parsed on its own,
 * so neither the whole text nor one huge parse is ever needed.
 */
class OwnFormatReader {
  private readonly objects: KubeObject[] = [];
  private readonly itemErrors: Diagnostic[] = [];
  private readonly splitter = new JsonItemSplitter((item, i) => this.item(item, i));
  private failed: Diagnostic | undefined;

  constructor(private readonly file: string) {}

  private item(item: unknown, i: number): void {
    const o = item as Partial<KubeObject> | null;
    const ok = o !== null && typeof o === 'object' && typeof o.kind === 'string' && typeof o.apiVersion === 'string' && typeof o.metadata?.name === 'string' && o.metadata.name !== '';
    if (ok) this.objects.push(o as KubeObject);
    else this.itemErrors.push({ file: this.file, field: `items[${i}]`, message: 'is not an object with apiVersion, kind and metadata.name' });
  }

  /** False once the file turned out malformed (the rest need not be read). */
  push(chunk: Uint8Array): boolean {
    if (this.failed) return false;
    try {
      this.splitter.push(chunk);
      return true;
    } catch (e) {
      this.failed = syntaxDiagnostic(e, this.file, 'Cannot parse the snapshot file');
      return false;
    }
  }

  finish(): OwnFormat {
    const file = this.file;
    let doc: { apiVersion?: unknown; kind?: unknown; cluster?: unknown; items?: unknown };
    try {
      if (this.failed) throw this.failed;
      doc = this.splitter.end().envelope as typeof doc;
    } catch (e) {
      return { objects: [], cluster: {}, errors: [this.failed ?? syntaxDiagnostic(e, file, 'Cannot parse the snapshot file')] };
    }
    if (doc === null || typeof doc !== 'object' || doc.kind !== SNAPSHOT_FILE_KIND) {
      const kind = doc?.kind;
      const what = kind === 'Maintenance' ? 'a maintenance spec' : `a "${String(kind)}"`;
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
    // Items left in the envelope (not split off, e.g. an escaped "items" key) are read here.
    doc.items.forEach((item: unknown, i) => this.item(item, i));
    return { objects: this.objects, cluster, errors: [...errors, ...this.itemErrors] };
  }
}

/** A JsonItemsError (or anything thrown while splitting) as a diagnostic with its line. */
function syntaxDiagnostic(e: unknown, file: string, prefix: string): Diagnostic {
  if (e instanceof JsonItemsError) return { file, line: e.line, message: `${prefix}: ${e.message}` };
  if (e && typeof e === 'object' && 'message' in e && 'file' in e) return e as Diagnostic;
  return { file, message: `${prefix}: ${(e as Error).message}` };
}

/** Reads an sdrain snapshot file; undefined when `text` is not one. */
function readOwnFormat(text: string, file: string): OwnFormat | undefined {
  if (!OWN_FORMAT_RE.test(text.slice(0, 200))) return undefined;
  const reader = new OwnFormatReader(file);
  reader.push(Buffer.from(text, 'utf8'));
  return reader.finish();
}

/**
 * The objects of an sdrain snapshot file as stored (slim), for loading it somewhere other than
 * the planner (the simulator); undefined when `text` is not a snapshot file.
 */
export function snapshotFileObjects(text: string, file: string): { objects: KubeObject[]; errors: Diagnostic[] } | undefined {
  const own = readOwnFormat(text, file);
  return own && { objects: own.objects, errors: own.errors };
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
    const spec = maintenanceSpecError(objects, file);
    if (spec) errors.push(spec);
  }
  return finishLoad(objects, cluster, errors, warnings, file);
}

/** Builds the snapshot; throws InputError listing every problem. */
function finishLoad(objects: KubeObject[], cluster: ClusterIdentity, errors: Diagnostic[], warnings: Diagnostic[], file: string): { snapshot: Snapshot; warnings: Diagnostic[] } {
  const built = buildSnapshot(objects, cluster, file);
  errors.push(...built.errors);
  warnings.push(...built.warnings);
  if (errors.length > 0) {
    const n = errors.length;
    throw new InputError('INPUT_INVALID', `Cannot load the cluster snapshot "${file}": ${n} problem${n === 1 ? '' : 's'} found`, errors, 'Fix the objects listed above, or leave them out of the file.');
  }
  return { snapshot: built.snapshot, warnings };
}

function maintenanceSpecError(objects: KubeObject[], file: string): Diagnostic | undefined {
  const spec = objects.find((o) => o.kind === 'Maintenance' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('sdrain.io/'));
  if (spec) return { file, object: `Maintenance "${spec.metadata.name}"`, message: 'Cannot read the cluster from this file: it holds a maintenance spec, not cluster objects (pass it with -f instead)' };
  return undefined;
}

/** Bytes of UTF-8 that always fit in one JS string (a string holds at most this many UTF-16 units). */
export const MAX_WHOLE_TEXT_BYTES = bufferConstants.MAX_STRING_LENGTH;

export interface LoadStreamOptions {
  /**
   * Opens the file again from the start. A JSON dump the streaming reader cannot parse is then
   * read whole (when it fits in a string) by the same reader as loadSnapshotText, which also
   * accepts YAML flow style and reports YAML line and column.
   */
  reopen?: () => AsyncIterable<Uint8Array>;
  /**
   * The file's size in bytes and how to read it whole as UTF-8 text (readFileSync). A JSON dump
   * no larger than `wholeMaxBytes` is then read and JSON.parse'd in one go, as loadSnapshotText
   * does: the parse a user would write, without the splitter's per-item decoding and copying.
   * Larger dumps, and all sdrain snapshot files (already one object per line), stream.
   */
  whole?: { size: number; read: () => Promise<string> };
  /** Largest JSON dump read whole (bytes); default MAX_WHOLE_TEXT_BYTES. Tests lower it. */
  wholeMaxBytes?: number;
}

/** True for the error V8/Node raise when a text is longer than the longest string. */
function isStringTooLong(e: unknown): boolean {
  return e instanceof RangeError || (e !== null && typeof e === 'object' && (e as { code?: unknown }).code === 'ERR_STRING_TOO_LONG');
}

/** Reads all chunks into one string; undefined when they exceed `limit` bytes. */
async function readWhole(chunks: AsyncIterator<Uint8Array>, first: Uint8Array[], limit: number): Promise<string | undefined> {
  const parts = [...first];
  let size = parts.reduce((n, p) => n + p.length, 0);
  for (;;) {
    if (size > limit) return undefined;
    const r = await chunks.next();
    if (r.done) break;
    parts.push(r.value);
    size += r.value.length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * loadSnapshotText for a file of any size, read as a stream of chunks:
 * - an sdrain snapshot file is read object by object (one per line);
 * - a JSON object dump (`kubectl get -o json`: a List, a list of objects or one object) is
 *   read element by element of its `items`, never as one string — unless LoadStreamOptions.whole
 *   says it fits in one string, when it is read and parsed whole (faster, same result);
 * - YAML (one or many documents) is read whole, so it is refused with a clear message when it
 *   is larger than the longest string V8 can hold (~512 MiB).
 * Results and errors are the same as loadSnapshotText's for the same bytes (syntax errors in
 * a JSON dump name the line; see LoadStreamOptions.reopen).
 */
export async function loadSnapshotStream(source: AsyncIterable<Uint8Array>, file: string, opts: LoadStreamOptions = {}): Promise<{ snapshot: Snapshot; warnings: Diagnostic[] }> {
  const it = source[Symbol.asyncIterator]();
  // Enough of the start to tell the format apart.
  const first: Uint8Array[] = [];
  let got = 0;
  let done = false;
  while (got < 512) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    first.push(r.value);
    got += r.value.length;
  }
  const head = Buffer.concat(first).toString('utf8', 0, Math.min(got, 512)).replace(/^\uFEFF/, '');
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    yield* first;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  if (OWN_FORMAT_RE.test(head)) {
    const reader = new OwnFormatReader(file);
    for await (const chunk of rest()) if (!reader.push(chunk)) break;
    const own = reader.finish();
    return finishLoad(own.objects, own.cluster, own.errors, [], file);
  }
  const trimmed = head.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    const text = done ? Buffer.concat(first).toString('utf8') : await readWhole(it, first, MAX_WHOLE_TEXT_BYTES);
    if (text === undefined) {
      throw new InputError('INPUT_INVALID', `Cannot load the cluster snapshot "${file}": it is a YAML file larger than ${Math.floor(MAX_WHOLE_TEXT_BYTES / 2 ** 20)} MiB, which sdrain reads whole and cannot hold as one string`, [{ file, message: 'YAML files are read whole; this one is too large' }], 'Dump the cluster as JSON instead (kubectl get ... -o json is read as a stream), or save it with `sdrain snapshot --out FILE`.');
    }
    return loadSnapshotText(text, file);
  }
  let chunks: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: rest };
  if (opts.whole && !done && opts.whole.size <= (opts.wholeMaxBytes ?? MAX_WHOLE_TEXT_BYTES)) {
    // Fits in one string: one JSON.parse of the whole text (the stream is not read further).
    await it.return?.();
    let text: string | undefined;
    try {
      text = await opts.whole.read();
    } catch (e) {
      // The file grew past the longest string since it was measured: stream it after all.
      if (!isStringTooLong(e) || !opts.reopen) throw e;
    }
    if (text !== undefined) {
      let doc: unknown;
      try {
        // A byte order mark is skipped, as the streaming reader does.
        doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch {
        // YAML flow style, or a syntax error to report with its line and column.
        return loadSnapshotText(text, file);
      }
      // The text (up to 512 MiB) is not needed to build the snapshot: let it be collected.
      text = undefined;
      return finishParsedDump(doc, file);
    }
    chunks = opts.reopen!();
  }
  const raw: unknown[] = [];
  const splitter = new JsonItemSplitter((item) => raw.push(item));
  let doc: unknown;
  try {
    for await (const chunk of chunks) splitter.push(chunk);
    const r = splitter.end();
    doc = r.envelope;
    if (r.topLevelArray) doc = raw;
    else if (doc !== null && typeof doc === 'object' && Array.isArray((doc as { items?: unknown }).items) && r.items > 0) (doc as { items: unknown[] }).items = raw;
  } catch (e) {
    raw.length = 0;
    if (opts.reopen) {
      const again = opts.reopen()[Symbol.asyncIterator]();
      const text = await readWhole(again, [], MAX_WHOLE_TEXT_BYTES);
      if (text !== undefined) return loadSnapshotText(text, file);
    }
    const d = syntaxDiagnostic(e, file, 'Cannot parse the file');
    throw new InputError('INPUT_INVALID', `Cannot load the cluster snapshot "${file}": 1 problem found`, [d], 'Fix the objects listed above, or leave them out of the file.');
  }
  return finishParsedDump(doc, file);
}

/** A JSON object dump, parsed: what loadSnapshotText makes of its text. */
function finishParsedDump(doc: unknown, file: string): { snapshot: Snapshot; warnings: Diagnostic[] } {
  const r = readParsedDocuments([doc], file);
  const errors = [...r.errors];
  const spec = maintenanceSpecError(r.objects, file);
  if (spec) errors.push(spec);
  return finishLoad(r.objects, {}, errors, [...r.warnings], file);
}
