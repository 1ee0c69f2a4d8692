/**
 * The three JSON patch flavours kubectl and client-node send: strategic merge (the default for
 * built-in kinds), RFC 7386 merge patch and RFC 6902 JSON patch. Strategic merge is
 * approximated by field name: the lists that carry a patchMergeKey upstream (containers by
 * name, conditions by type, ...) merge element-wise; every other list is replaced.
 */
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError } from './status.js';

export type PatchType = 'strategic' | 'merge' | 'json' | 'apply';

/** Maps a PATCH Content-Type to its flavour, or throws 415 like the real server. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (ct) {
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    default:
      throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
}

/** List fields merged element-wise, with the key that identifies an element (upstream patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  addresses: 'type',
  resourceClaims: 'name',
  schedulingGates: 'name',
  podIPs: 'ip',
  hostIPs: 'ip',
};

/** Primitive lists whose patch strategy is `merge` (union) rather than replace. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isMap(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: maps merge, `null` deletes, everything else (lists too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

/** Strategic merge patch for built-in kinds (see MERGE_KEYS for the lists that merge). */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  return smpValue(target, patch, undefined);
}

function smpValue(target: unknown, patch: unknown, field: string | undefined): unknown {
  if (isMap(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch, ...rest } = patch;
      void $patch;
      return stripDirectives(rest);
    }
    if (patch.$patch === 'delete') return undefined;
    return smpMap(isMap(target) ? target : {}, patch);
  }
  if (Array.isArray(patch)) return smpList(Array.isArray(target) ? target : [], patch, field);
  return structuredClone(patch);
}

function smpMap(target: Record<string, Json>, patch: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = { ...target };
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      const cur = out[f];
      if (Array.isArray(cur)) out[f] = cur.filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const merged = smpValue(out[k], v, k);
    if (merged === undefined) delete out[k];
    else out[k] = merged as Json;
  }
  if (retainKeys) for (const k of Object.keys(out)) if (!retainKeys.includes(k) && !(k in patch)) delete out[k];
  return out;
}

function smpList(target: Json[], patch: Json[], field: string | undefined): Json[] {
  const key = field ? MERGE_KEYS[field] : undefined;
  if (field && MERGED_PRIMITIVE_LISTS.has(field) && patch.every((x) => !isMap(x))) {
    const out = [...target];
    for (const x of patch) if (!out.some((y) => JSON.stringify(y) === JSON.stringify(x))) out.push(x);
    return out;
  }
  if (!key || !patch.every(isMap)) {
    if (patch.length === 1 && isMap(patch[0]) && patch[0].$patch === 'replace') return [];
    return patch.map((x) => stripDirectives(x));
  }
  if (patch.some((x) => isMap(x) && x.$patch === 'replace')) {
    return patch.filter((x) => !(isMap(x) && x.$patch === 'replace')).map((x) => stripDirectives(x));
  }
  const out: Json[] = [...target];
  for (const el of patch as Record<string, Json>[]) {
    const id = JSON.stringify(el[key]);
    const idx = out.findIndex((x) => isMap(x) && JSON.stringify(x[key]) === id);
    if (el.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpMap(out[idx] as Record<string, Json>, el);
    else out.push(stripDirectives(el));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

/** Applies a patch body of the given flavour to `target` (not modified). Throws 400/422 ApiErrors. */
export function applyPatch(target: unknown, type: PatchType, body: unknown): unknown {
  switch (type) {
    case 'strategic':
      if (!isMap(body)) throw new ApiError('BadRequest', 'the body of the request was not a JSON object');
      return strategicMergePatch(target, body);
    case 'merge':
    case 'apply':
      // Server-side apply is approximated by a merge patch: there is no field ownership here.
      if (!isMap(body)) throw new ApiError('BadRequest', 'the body of the request was not a JSON object');
      return mergePatch(target, body);
    case 'json': {
      if (!Array.isArray(body)) throw new ApiError('BadRequest', 'the JSON patch must be a list of operations');
      try {
        return jsonPatch.applyPatch(structuredClone(target), body as Operation[], true, false).newDocument;
      } catch (e) {
        throw new ApiError('Invalid', `the server rejected our request due to an error in our request: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }
}
