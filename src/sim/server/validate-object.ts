/**
 * Checks on objects written through the API that real clients are known to trip over, and
 * the defaults the real API server fills in on create. Kept small on purpose: only what sdrain,
 * kubectl and client-node exercise (see FIDELITY.md).
 */
import type { KubeObject, Pod } from '../../model/k8s.js';
import { fillPodDefaults } from '../../kube/pod-defaults.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { ApiError } from './status.js';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks the envelope of a request body against the URL and returns it with kind, apiVersion
 * and namespace filled in. Throws 400 for mismatches, as the real server does.
 */
export function checkEnvelope(res: ResourceInfo, body: unknown, namespace: string | undefined, urlName?: string): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('BadRequest', 'the body of the request is not a JSON object');
  const o = structuredClone(body) as KubeObject;
  if (o.kind !== undefined && o.kind !== res.kind) {
    throw new ApiError('BadRequest', `the kind in the data (${String(o.kind)}) does not match the expected kind (${res.kind})`);
  }
  if (o.apiVersion !== undefined && o.apiVersion !== apiVersionOf(res)) {
    throw new ApiError('BadRequest', `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${apiVersionOf(res)})`);
  }
  o.kind = res.kind;
  o.apiVersion = apiVersionOf(res);
  if (typeof o.metadata !== 'object' || o.metadata === null) o.metadata = { name: '' };
  if (res.namespaced) {
    if (o.metadata.namespace !== undefined && o.metadata.namespace !== '' && o.metadata.namespace !== namespace) {
      throw new ApiError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    o.metadata.namespace = namespace;
  } else delete o.metadata.namespace;
  if (urlName !== undefined && o.metadata.name !== urlName) {
    throw new ApiError('BadRequest', `the name of the object (${o.metadata.name ?? ''}) does not match the name on the URL (${urlName})`);
  }
  if (o.kind === 'Lease') checkLeaseTimes(o);
  return o;
}

/** metav1.MicroTime parses only `2006-01-02T15:04:05.000000Z07:00`; `new Date().toISOString()` fails. */
function checkLeaseTimes(o: KubeObject): void {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  for (const f of ['acquireTime', 'renewTime']) {
    const v = spec[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !MICRO_TIME.test(v)) {
      throw new ApiError('BadRequest', `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(String(v))} as "2006-01-02T15:04:05.000000Z07:00": cannot parse ${JSON.stringify(String(v).slice(19))} as ".000000"`);
    }
  }
}

/** Validates a new object's name the way the real server does (422 Invalid). */
export function checkName(o: KubeObject): void {
  const name = o.metadata.name;
  const gen = o.metadata.generateName;
  if (!name && !gen) {
    throw new ApiError('Invalid', `${o.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, {
      kind: o.kind, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }],
    });
  }
  if (name && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) {
    const msg = `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`;
    throw new ApiError('Invalid', `${o.kind} "${name}" is invalid: metadata.name: ${msg}`, { name, kind: o.kind, causes: [{ reason: 'FieldValueInvalid', message: msg, field: 'metadata.name' }] });
  }
}

/** The defaults the real server fills in on create that controllers and printers rely on. */
export function applyCreateDefaults(o: KubeObject): void {
  const spec = (o.spec ?? undefined) as Record<string, unknown> | undefined;
  switch (o.kind) {
    case 'Pod': {
      if (spec) Object.assign(o, { spec: fillPodDefaults(o as Pod).spec });
      const st = (o.status ?? {}) as Record<string, unknown>;
      st.phase ??= 'Pending';
      o.status = st;
      break;
    }
    case 'Deployment':
      if (spec) {
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        // kubectl create deployment sends `strategy: {}`: the server defaults its type too.
        const strategy = (spec.strategy ??= {}) as Record<string, unknown>;
        strategy.type ??= 'RollingUpdate';
        if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...((strategy.rollingUpdate ?? {}) as object) };
      }
      break;
    case 'ReplicaSet':
    case 'StatefulSet':
      if (spec) spec.replicas ??= 1;
      if (spec && o.kind === 'StatefulSet') {
        spec.podManagementPolicy ??= 'OrderedReady';
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
        spec.revisionHistoryLimit ??= 10;
      }
      break;
    case 'DaemonSet':
      if (spec) {
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
        spec.revisionHistoryLimit ??= 10;
      }
      break;
    case 'Namespace':
      o.status = { phase: 'Active', ...((o.status ?? {}) as object) };
      break;
    default:
      break;
  }
}
