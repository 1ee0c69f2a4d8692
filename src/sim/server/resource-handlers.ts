/**
 * The REST verbs on one resource (get, list, create, update, patch, delete, deletecollection)
 * and its subresources (status, scale, eviction). Each handler takes a parsed request and
 * returns a status code and JSON body; watch streaming is in ./watch.ts.
 */
import type { KubeObject } from '../../model/k8s.js';
import { keyOfObject } from '../../kube/object-key.js';
import { compareObjects, type MemoryStore } from '../store/memory-store.js';
import { parseSelector, SelectorSyntaxError, type Selector, matches, fromLabelSelector, selectorToString } from '../../kube/selector.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { fillEventViews } from './event-views.js';
import { ApiError } from './status.js';
import { compileFieldSelector } from './field-selector.js';
import { toTable, wantsTable } from './table.js';
import { applyPatch, patchTypeOf } from './patch.js';
import { deleteObject, parseDeleteOptions } from './delete-object.js';
import { evictPod } from './evict-pod.js';
import { applyCreateDefaults, checkEnvelope, checkName } from './validate-object.js';
import type { FieldChecker } from './field-validation.js';

export interface ResourceRequest {
  method: string;
  res: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  accept: string;
  contentType: string;
  body: unknown;
  /** Server-side field validation for this request (?fieldValidation=Strict|Warn), when asked for. */
  checkFields?: FieldChecker;
}

export interface Reply {
  code: number;
  body: unknown;
  contentType?: string;
}

const TABLE_CT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** `?dryRun=All`: validate and answer as if written, but change nothing. */
function isDryRun(req: ResourceRequest): boolean {
  return req.query.getAll('dryRun').some((v) => v === 'All');
}

function withType(res: ResourceInfo, o: KubeObject): KubeObject {
  return { ...o, kind: res.kind, apiVersion: apiVersionOf(res) };
}

function notFound(res: ResourceInfo, name: string): ApiError {
  return new ApiError('NotFound', `${res.group ? `${res.plural}.${res.group}` : res.plural} "${name}" not found`, { name, kind: res.plural, ...(res.group ? { group: res.group } : {}) });
}

/** The label selector, field selector and namespace of a list or watch as one predicate. */
export function requestFilter(req: ResourceRequest): (o: KubeObject) => boolean {
  let labels: Selector | undefined;
  const ls = req.query.get('labelSelector');
  if (ls) {
    try {
      labels = parseSelector(ls);
    } catch (e) {
      if (e instanceof SelectorSyntaxError) throw new ApiError('BadRequest', e.message);
      throw e;
    }
  }
  const fields = compileFieldSelector(req.res.kind, req.query.get('fieldSelector'));
  const ns = req.namespace;
  return (o) => (ns === undefined || (o.metadata.namespace ?? '') === ns) && (!labels || matches(labels, o.metadata.labels)) && (!fields || fields(o));
}

function getObject(store: MemoryStore, req: ResourceRequest): KubeObject {
  const o = store.get(req.res.kind, req.res.namespaced ? req.namespace : undefined, req.name!);
  if (!o) throw notFound(req.res, req.name!);
  return o;
}

function render(store: MemoryStore, req: ResourceRequest, o: KubeObject, code = 200): Reply {
  if (wantsTable(req.accept)) return { code, body: toTable(req.res.kind, [o], store.clock.now(), { resourceVersion: o.metadata.resourceVersion ?? '' }), contentType: TABLE_CT };
  return { code, body: withType(req.res, o) };
}

function encodeContinue(key: string, rv: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: key })).toString('base64');
}

function decodeContinue(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start?: unknown };
    if (typeof v.start === 'string') return v.start;
  } catch {
    // fall through
  }
  throw new ApiError('BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/**
 * GET on a collection (not watch): sorted, filtered, paged with limit/continue.
 *
 * Paging must not cost a copy of the whole collection per page (clients list 15,000 pods in
 * 30 pages of 500): the store's filter sees each stored object, so matching objects after the
 * continue key are gathered there (the filter returns false: the store copies nothing), sorted,
 * and only the page is copied.
 */
export function listObjects(store: MemoryStore, req: ResourceRequest): Reply {
  const filter = requestFilter(req);
  const rv = store.resourceVersion();
  const meta: Record<string, unknown> = { resourceVersion: rv };
  const keyOf = keyOfObject;
  const cont = req.query.get('continue');
  const start = cont ? decodeContinue(cont) : undefined;
  // The key is "namespace/name" (neither holds a "/"); compared as the list is sorted —
  // namespace first — so namespace "a-b" is not skipped after "a/z" ("-" sorts before "/").
  const slash = start === undefined ? -1 : start.indexOf('/');
  const startNs = start === undefined ? '' : slash < 0 ? start : start.slice(0, slash);
  const startName = start === undefined || slash < 0 ? '' : start.slice(slash + 1);
  const afterStart = (o: KubeObject): boolean => {
    if (start === undefined) return true;
    const ns = o.metadata.namespace ?? '';
    return ns > startNs || (ns === startNs && o.metadata.name > startName);
  };
  const matching: KubeObject[] = [];
  const gather = (o: KubeObject): boolean => {
    if (filter(o) && afterStart(o)) matching.push(o);
    return false;
  };
  store.list(req.res.kind, req.namespace !== undefined ? { namespace: req.namespace, filter: gather } : { filter: gather });
  matching.sort(compareObjects); // the store's list order
  let page = matching;
  const limitText = req.query.get('limit');
  const limit = limitText && /^\d+$/.test(limitText) ? Number(limitText) : 0;
  if (limit > 0 && matching.length > limit) {
    page = matching.slice(0, limit);
    meta.continue = encodeContinue(keyOf(page[page.length - 1]!), rv);
    meta.remainingItemCount = matching.length - limit;
  }
  const items = page.map((o) => structuredClone(o));
  if (wantsTable(req.accept)) {
    return { code: 200, body: toTable(req.res.kind, items, store.clock.now(), meta), contentType: TABLE_CT };
  }
  return { code: 200, body: { kind: `${req.res.kind}List`, apiVersion: apiVersionOf(req.res), metadata: meta, items: items.map((o) => withType(req.res, o)) } };
}

/** GET on one object or its status/scale subresource. */
export function getOne(store: MemoryStore, req: ResourceRequest): Reply {
  const o = getObject(store, req);
  if (req.subresource === 'scale') return { code: 200, body: toScale(o) };
  return render(store, req, o);
}

/** POST on a collection. */
export function createObject(store: MemoryStore, req: ResourceRequest): Reply {
  const o = checkEnvelope(req.res, req.body, req.namespace);
  req.checkFields?.(o);
  checkName(o);
  if (req.res.namespaced && !store.get('Namespace', undefined, req.namespace!)) {
    throw new ApiError('NotFound', `namespaces "${req.namespace}" not found`, { name: req.namespace, kind: 'namespaces' });
  }
  applyCreateDefaults(o);
  if (o.kind === 'Event') fillEventViews(o);
  delete o.metadata.resourceVersion;
  if (isDryRun(req)) {
    if (o.metadata.name && store.get(o.kind, o.metadata.namespace, o.metadata.name)) throw new ApiError('AlreadyExists', `${req.res.plural} "${o.metadata.name}" already exists`, { name: o.metadata.name, kind: req.res.plural });
    return render(store, req, o, 201);
  }
  const created = store.create(o);
  return render(store, req, created, 201);
}

/** PUT on an object, its status or its scale. */
export function updateObject(store: MemoryStore, req: ResourceRequest): Reply {
  if (req.subresource === 'scale') return writeScale(store, req, req.body);
  const o = checkEnvelope(req.res, req.body, req.namespace, req.name);
  req.checkFields?.(o);
  const existing = getObject(store, req);
  if (!o.metadata.uid) o.metadata.uid = existing.metadata.uid;
  else if (o.metadata.uid !== existing.metadata.uid) {
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${req.res.plural} "${req.name}": Precondition failed: UID in precondition: ${o.metadata.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`, { name: req.name, kind: req.res.plural });
  }
  if (isDryRun(req)) return render(store, req, o);
  const updated = store.update(o, req.subresource === 'status' ? { subresource: 'status' } : {});
  return render(store, req, updated);
}

/** PATCH on an object, its status or its scale. */
export function patchObject(store: MemoryStore, req: ResourceRequest): Reply {
  const type = patchTypeOf(req.contentType);
  // Server-side apply creates what does not exist yet (field ownership is not modelled).
  if (type === 'apply' && req.subresource === undefined && !store.get(req.res.kind, req.res.namespaced ? req.namespace : undefined, req.name!)) {
    const o = checkEnvelope(req.res, req.body, req.namespace, req.name);
    return createObject(store, { ...req, body: o });
  }
  const existing = getObject(store, req);
  if (req.subresource === 'scale') return writeScale(store, req, applyPatch(toScale(existing), type, req.body));
  const patched = applyPatch(existing, type, req.body) as KubeObject;
  const o = checkEnvelope(req.res, patched, req.namespace, req.name);
  if (req.subresource === undefined) req.checkFields?.(o, existing);
  if (o.metadata.uid !== existing.metadata.uid) throw new ApiError('Invalid', `${req.res.kind} "${req.name}" is invalid: metadata.uid: Invalid value: field is immutable`);
  if (isDryRun(req)) return render(store, req, o);
  const updated = store.update(o, req.subresource === 'status' ? { subresource: 'status' } : {});
  return render(store, req, updated);
}

/** DELETE on one object. */
export function deleteOne(store: MemoryStore, req: ResourceRequest): Reply {
  const opts = parseDeleteOptions(req.body, req.query);
  if (isDryRun(req)) return { code: 200, body: withType(req.res, getObject(store, req)) };
  const o = deleteObject(store, req.res, req.res.namespaced ? req.namespace : undefined, req.name!, opts, store.clock.now());
  return { code: 200, body: withType(req.res, o) };
}

/** DELETE on a collection: each matching object as if deleted one by one. */
export function deleteCollection(store: MemoryStore, req: ResourceRequest): Reply {
  const opts = parseDeleteOptions(req.body, req.query);
  const filter = requestFilter(req);
  const items = store.list(req.res.kind, { filter }).map((o) => deleteObject(store, req.res, o.metadata.namespace, o.metadata.name, opts, store.clock.now()));
  return { code: 200, body: { kind: `${req.res.kind}List`, apiVersion: apiVersionOf(req.res), metadata: { resourceVersion: store.resourceVersion() }, items: items.map((o) => withType(req.res, o)) } };
}

/** POST …/pods/NAME/eviction. */
export function evict(store: MemoryStore, req: ResourceRequest): Reply {
  const r = evictPod(store, req.namespace!, req.name!, req.body, store.clock.now(), isDryRun(req) || hasDryRunBody(req.body));
  return { code: r.code, body: r.body };
}

function hasDryRunBody(body: unknown): boolean {
  const d = (body as { deleteOptions?: { dryRun?: unknown } } | undefined)?.deleteOptions?.dryRun;
  return Array.isArray(d) && d.includes('All');
}

/** The autoscaling/v1 Scale view of a scalable object. */
function toScale(o: KubeObject): Record<string, unknown> {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (o.status ?? {}) as { replicas?: number };
  const sel = fromLabelSelector(spec.selector as Parameters<typeof fromLabelSelector>[0]);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, ...(sel && sel.length ? { selector: selectorToString(sel) } : {}) },
  };
}

function writeScale(store: MemoryStore, req: ResourceRequest, scaleBody: unknown): Reply {
  const s = (scaleBody ?? {}) as { metadata?: { resourceVersion?: string; name?: string }; spec?: { replicas?: unknown } };
  if (s.metadata?.name !== undefined && s.metadata.name !== req.name) {
    throw new ApiError('BadRequest', `the name of the object (${s.metadata.name}) does not match the name on the URL (${req.name})`);
  }
  const replicas = s.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError('Invalid', `Scale.autoscaling "${req.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const existing = getObject(store, req);
  const next = structuredClone(existing);
  (next.spec as { replicas?: number }).replicas = replicas;
  next.metadata.resourceVersion = s.metadata?.resourceVersion || existing.metadata.resourceVersion;
  const updated = store.update(next);
  return { code: 200, body: toScale(updated) };
}

