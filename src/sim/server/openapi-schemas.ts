/**
 * The schemas behind the simulator's /openapi/v3 documents and its server-side field
 * validation, built at run time from the model classes @kubernetes/client-node ships
 * (Apache-2.0; generated from Kubernetes' own OpenAPI document, v1.34): each class's
 * attributeTypeMap gives the fields and their types, its .d.ts the descriptions and which
 * fields are required. Nothing is copied into this repository.
 *
 * Reduced on purpose: schema names are client-node's (`v1.DeploymentSpec`, not
 * `io.k8s.api.apps.v1.DeploymentSpec`), quantities are plain strings, and no list-type,
 * patch-strategy or default extensions are given (kubectl's apply then falls back to its
 * built-in patch metadata for these kinds).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ResourceInfo } from './resources.js';

/** An OpenAPI v3 schema object (the subset we write). */
export type JsonSchema = Record<string, unknown>;

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type ModelClass = { getAttributeTypeMap?: () => Attribute[] };

/** Everything built from client-node's models: component schemas by name and the top-level name of each kind. */
export interface SchemaSet {
  schemas: Map<string, JsonSchema>;
  /** Component name of the schema of a served resource's kind, or undefined when client-node has no model for it. */
  nameOf(res: ResourceInfo): string | undefined;
}

const INT_OR_STRING = 'intstr.IntOrString';

function componentName(className: string): string {
  // V1DeploymentSpec → v1.DeploymentSpec; V1beta1X → v1beta1.X; CoreV1Event → core.v1.Event
  const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)(.+)$/.exec(className);
  if (!m) return className;
  return `${m[1] ? `${m[1].toLowerCase()}.` : ''}${m[2]!.toLowerCase()}.${m[3]}`;
}

/** `/** text *\/` comments of a .d.ts: the class's and each field's, flattened to one paragraph each. */
function descriptions(dts: string): { cls?: string; fields: Map<string, { text?: string; required: boolean }> } {
  const clean = (c: string) => c.split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ').replace(/\\"/g, '"');
  const cls = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class/.exec(dts)?.[1];
  const fields = new Map<string, { text?: string; required: boolean }>();
  const re = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\??):/g;
  for (let m = re.exec(dts); m; m = re.exec(dts)) fields.set(m[2]!, { ...(m[1] ? { text: clean(m[1]) } : {}), required: m[3] !== '?' });
  return { ...(cls ? { cls: clean(cls) } : {}), fields };
}

/** Builds the schema set from the installed client-node (loaded lazily: only /openapi and field validation need it). */
export async function loadSchemaSet(): Promise<SchemaSet> {
  const k8s = (await import('@kubernetes/client-node')) as unknown as Record<string, ModelClass | undefined>;
  let modelsDir: string | undefined;
  try {
    modelsDir = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
  } catch {
    modelsDir = undefined;
  }
  const schemas = new Map<string, JsonSchema>();
  schemas.set(INT_OR_STRING, { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true });

  const typeSchema = (type: string, format: string): JsonSchema => {
    const arr = /^Array<(.+)>$/.exec(type);
    if (arr) return { type: 'array', items: typeSchema(arr[1]!, format) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!, format) };
    switch (type) {
      case 'string':
        return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        return format === 'double' ? { type: 'number', format: 'double' } : { type: 'integer', ...(format ? { format } : {}) };
      case 'Date':
        return { type: 'string', format: format || 'date-time' };
      case 'IntOrString':
        return { $ref: `#/components/schemas/${INT_OR_STRING}` };
      case 'any':
      case 'object':
        return { 'x-kubernetes-preserve-unknown-fields': true };
      default:
        return k8s[type] ? { $ref: `#/components/schemas/${build(type)}` } : { 'x-kubernetes-preserve-unknown-fields': true };
    }
  };

  function build(className: string): string {
    const name = componentName(className);
    if (schemas.has(name)) return name;
    const schema: JsonSchema = { type: 'object', properties: {} };
    schemas.set(name, schema); // before the fields: types refer to themselves (JSONSchemaProps)
    let dts: ReturnType<typeof descriptions> = { fields: new Map() };
    if (modelsDir) {
      try {
        dts = descriptions(readFileSync(join(modelsDir, `${className}.d.ts`), 'utf8'));
      } catch {
        // descriptions are optional
      }
    }
    if (dts.cls) schema.description = dts.cls;
    const props = schema.properties as Record<string, JsonSchema>;
    const required: string[] = [];
    for (const a of k8s[className]?.getAttributeTypeMap?.() ?? []) {
      const t = typeSchema(a.type, a.format);
      const d = dts.fields.get(a.name);
      // Like the real documents: a reference with a description is wrapped in allOf.
      props[a.baseName] = d?.text ? ('$ref' in t ? { allOf: [t], description: d.text } : { ...t, description: d.text }) : t;
      if (d?.required) required.push(a.baseName);
    }
    if (required.length) schema.required = required.sort();
    return name;
  }

  const classOf = (res: ResourceInfo): string | undefined => {
    const v = res.version.charAt(0).toUpperCase() + res.version.slice(1);
    const candidates = res.group === 'events.k8s.io' ? [`Events${v}${res.kind}`] : [`${v}${res.kind}`, `Core${v}${res.kind}`];
    return candidates.find((c) => typeof k8s[c]?.getAttributeTypeMap === 'function');
  };
  const names = new Map<ResourceInfo, string | undefined>();
  return {
    schemas,
    nameOf(res) {
      if (!names.has(res)) {
        const c = classOf(res);
        const name = c ? build(c) : undefined;
        if (name) schemas.get(name)!['x-kubernetes-group-version-kind'] = [{ group: res.group, kind: res.kind, version: res.version }];
        names.set(res, name);
      }
      return names.get(res);
    },
  };
}

/** Resolves `$ref` and single-element `allOf` wrappers. */
export function resolve(set: SchemaSet, s: JsonSchema | undefined): JsonSchema | undefined {
  let cur = s;
  for (let i = 0; i < 4 && cur; i++) {
    if (typeof cur.$ref === 'string') cur = set.schemas.get(cur.$ref.slice('#/components/schemas/'.length));
    else if (Array.isArray(cur.allOf) && cur.allOf.length === 1) cur = cur.allOf[0] as JsonSchema;
    else break;
  }
  return cur;
}

/**
 * The fields of `obj` its schema does not know, as the API server's strict decoding names
 * them (`spec.template.spec.containers[0].imagee`), in document order; `prune` also removes them
 * from `obj`.
 */
export function unknownFields(set: SchemaSet, schemaName: string, obj: unknown, opts: { prune?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (value: unknown, schema: JsonSchema | undefined, path: string) => {
    const s = resolve(set, schema);
    if (!s || s['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      if (s.type === 'array') value.forEach((v, i) => walk(v, s.items as JsonSchema, `${path}[${i}]`));
      return;
    }
    const props = s.properties as Record<string, JsonSchema> | undefined;
    const additional = s.additionalProperties as JsonSchema | undefined;
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (props && k in props) walk(v, props[k], here);
      else if (additional) walk(v, additional, here);
      else if (props) {
        out.push(here);
        // What the real server's decoder does with a field it does not know: drop it.
        if (opts.prune) delete (value as Record<string, unknown>)[k];
      }
    }
  };
  walk(obj, { $ref: `#/components/schemas/${schemaName}` }, '');
  return out;
}
