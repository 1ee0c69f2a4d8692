/**
 * /openapi/v3: the index of group-versions and one OpenAPI 3.0 document per group-version the
 * simulator serves, generated from ./openapi-schemas.ts. What kubectl reads from them:
 * - `kubectl apply/create/replace` (validate=strict, the default) look for the `fieldValidation`
 *   query parameter on the kind's PATCH operation (tagged `x-kubernetes-group-version-kind`); it
 *   is there, so kubectl leaves validation to the server (./field-validation.ts); it reads
 *   /openapi/v2 (served empty, below) only for `kind: List` input.
 * - `kubectl explain` finds the kind's schema by `x-kubernetes-group-version-kind` in
 *   components.schemas and follows `$ref`s.
 * Documents are built on first request and cached; their hash (in the index's URLs) is the
 * digest of their bytes, as on the real server.
 */
import { createHash } from 'node:crypto';
import { RESOURCES, apiVersionOf, type ResourceInfo } from './resources.js';
import { loadSchemaSet, type JsonSchema, type SchemaSet } from './openapi-schemas.js';

let schemaSet: Promise<SchemaSet> | undefined;

/** The schemas, loaded once per process. */
export function schemaSetOnce(): Promise<SchemaSet> {
  schemaSet ??= loadSchemaSet();
  return schemaSet;
}

/** `api/v1` or `apis/apps/v1`. */
function gvPath(res: ResourceInfo): string {
  return res.group === '' ? `api/${res.version}` : `apis/${res.group}/${res.version}`;
}

const QUERY = (name: string, description: string): JsonSchema => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.'),
  QUERY('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  QUERY('fieldValidation', 'How the server handles unknown fields in the request: Ignore, Warn or Strict.'),
];

function operation(res: ResourceInfo, action: string, schemaName: string | undefined, params: JsonSchema[] = []): JsonSchema {
  const body = schemaName ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } } : undefined;
  return {
    operationId: `${action}${res.kind}`,
    parameters: params,
    ...(body && ['post', 'put', 'patch'].includes(action) ? { requestBody: body } : {}),
    responses: { '200': { description: 'OK', ...(body ?? {}) } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: res.group, kind: res.kind, version: res.version },
  };
}

/** Every component schema `name` refers to, transitively. */
function reachable(set: SchemaSet, roots: string[]): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const s = set.schemas.get(name);
    if (!s) return;
    out.set(name, s);
    const scan = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(scan);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') visit(x.slice('#/components/schemas/'.length));
          else scan(x);
        }
      }
    };
    scan(s);
  };
  roots.forEach(visit);
  return out;
}

interface Built {
  index: unknown;
  docs: Map<string, { body: string; hash: string }>;
}

let built: Promise<Built> | undefined;

async function build(): Promise<Built> {
  const set = await schemaSetOnce();
  const byGv = new Map<string, ResourceInfo[]>();
  for (const r of RESOURCES) byGv.set(gvPath(r), [...(byGv.get(gvPath(r)) ?? []), r]);
  const docs = new Map<string, { body: string; hash: string }>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [gv, resources] of [...byGv.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const docPaths: Record<string, JsonSchema> = {};
    const roots: string[] = [];
    for (const res of resources) {
      const name = set.nameOf(res);
      if (name) roots.push(name);
      const base = `/${gv}${res.namespaced ? '/namespaces/{namespace}' : ''}/${res.plural}`;
      const creatable = !res.verbs || res.verbs.includes('create');
      docPaths[base] = res.verbs && !res.verbs.includes('list') ? { post: operation(res, 'post', name, WRITE_PARAMS) } : { get: operation(res, 'list', name), ...(creatable ? { post: operation(res, 'post', name, WRITE_PARAMS) } : {}) };
      if (!res.verbs) {
        docPaths[`${base}/{name}`] = { get: operation(res, 'get', name), put: operation(res, 'put', name, WRITE_PARAMS), patch: operation(res, 'patch', name, WRITE_PARAMS), delete: operation(res, 'delete', name, [QUERY('dryRun', 'When present, indicates that modifications should not be persisted.')]) };
      }
    }
    const schemas = Object.fromEntries([...reachable(set, roots).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes (sdrain simulator)', version: apiVersionOf(resources[0]!) }, paths: docPaths, components: { schemas } });
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
    docs.set(gv, { body, hash });
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { index: { paths }, docs };
}

/**
 * The reply to GET /openapi/v2 or /openapi/v3[/<group-version>], or undefined for an unknown path.
 *
 * v2 is a document with no definitions (kubectl asks for it as protobuf, and an empty protobuf
 * message is an empty Document): kubectl's client-side validation, which it falls back to only
 * for `kind: List` input, then checks nothing, while the server still validates each item.
 */
export async function openApiDocument(path: string, accept: string): Promise<{ body: string; contentType: string } | undefined> {
  if (path === '/openapi/v2') {
    return accept.includes('protobuf')
      ? { body: '', contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' }
      : { body: JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes (sdrain simulator)', version: 'v1.35.0' }, paths: {}, definitions: {} }), contentType: 'application/json' };
  }
  built ??= build();
  const b = await built;
  if (path === '/openapi/v3') return { body: JSON.stringify(b.index), contentType: 'application/json' };
  const doc = b.docs.get(path.slice('/openapi/v3/'.length));
  return doc && { body: doc.body, contentType: 'application/json' };
}
