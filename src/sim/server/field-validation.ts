/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, what kubectl sends once
 * /openapi/v3 says the kind supports it): unknown fields are refused (Strict, 400 with the API
 * server's "strict decoding error" message) or reported in `Warning` headers (Warn). Only
 * unknown fields are checked — as upstream, types and required fields are the decoder's and
 * validation's business. Without the parameter nothing is checked (the real server then warns;
 * the simulator does not, so clients that never ask pay nothing).
 */
import type { KubeObject } from '../../model/k8s.js';
import type { ResourceInfo } from './resources.js';
import { ApiError } from './status.js';
import { unknownFields, type SchemaSet } from './openapi-schemas.js';

/** The directive a request asked for, or undefined when it sent none. 400 for an unknown value. */
export function fieldValidationOf(query: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' | undefined {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw new ApiError('BadRequest', `fieldValidation parameter unsupported: ${v} (supported values are: Ignore, Warn, Strict)`);
}

/** A checker for one request: call it with the object to be written (and the stored one for patches). */
export type FieldChecker = (o: KubeObject, existing?: KubeObject) => void;

/** Makes the checker; warnings (Warn) are pushed to `warnings` for the reply's headers. */
export function fieldChecker(set: SchemaSet, res: ResourceInfo, directive: 'Strict' | 'Warn', warnings: string[]): FieldChecker {
  return (o, existing) => {
    const name = set.nameOf(res);
    if (!name) return;
    let unknown = unknownFields(set, name, structuredClone(o));
    // A patch result keeps whatever the stored object already had (e.g. fields the server fills).
    if (existing && unknown.length) {
      const before = new Set(unknownFields(set, name, existing));
      unknown = unknown.filter((f) => !before.has(f));
    }
    if (unknown.length === 0) return;
    if (directive === 'Warn') {
      warnings.push(...unknown.map((f) => `unknown field "${f}"`));
      unknownFields(set, name, o, { prune: true });
      return;
    }
    throw new ApiError('BadRequest', `${res.kind} in version "${res.version}" cannot be handled as a ${res.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  };
}
