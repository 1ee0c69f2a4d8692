/**
 * Field selectors as the real server supports them: only a fixed set of fields per kind
 * (metadata.name and metadata.namespace everywhere, plus kind-specific ones such as
 * spec.nodeName for pods). Anything else is a 400, exactly like upstream.
 */
import type { KubeObject } from '../../model/k8s.js';
import { parseFieldSelector, SelectorSyntaxError } from '../../kube/selector.js';
import { ApiError } from './status.js';

type Getter = (o: KubeObject) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const spec = (o: KubeObject): Record<string, unknown> => (o.spec ?? {}) as Record<string, unknown>;
const status = (o: KubeObject): Record<string, unknown> => (o.status ?? {}) as Record<string, unknown>;

function eventFields(): Record<string, Getter> {
  const out: Record<string, Getter> = {};
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
    out[`involvedObject.${f}`] = (o) => str((o.involvedObject as Record<string, unknown> | undefined)?.[f]);
  }
  out.reason = (o) => str(o.reason);
  out.type = (o) => str(o.type);
  out.reportingComponent = (o) => str(o.reportingComponent);
  out.source = (o) => str((o.source as { component?: string } | undefined)?.component);
  return out;
}

const KIND_FIELDS: Record<string, Record<string, Getter>> = {
  Pod: {
    'spec.nodeName': (o) => str(spec(o).nodeName),
    'spec.restartPolicy': (o) => str(spec(o).restartPolicy),
    'spec.schedulerName': (o) => str(spec(o).schedulerName),
    'spec.serviceAccountName': (o) => str(spec(o).serviceAccountName),
    'spec.hostNetwork': (o) => str(spec(o).hostNetwork ?? false),
    'status.phase': (o) => str(status(o).phase),
    'status.podIP': (o) => str(status(o).podIP),
    'status.nominatedNodeName': (o) => str(status(o).nominatedNodeName),
  },
  Event: eventFields(),
  Node: { 'spec.unschedulable': (o) => str(spec(o).unschedulable ?? false) },
  Namespace: { 'status.phase': (o) => str(status(o).phase) },
  ReplicaSet: { 'status.replicas': (o) => str(status(o).replicas ?? 0) },
  Job: { 'status.successful': (o) => str(status(o).succeeded ?? 0) },
  PersistentVolume: { name: (o) => o.metadata.name },
};

/**
 * Compiles `?fieldSelector=` for `kind` into a predicate, or undefined for an empty selector.
 * Throws a 400 ApiError for syntax errors and unsupported fields.
 */
export function compileFieldSelector(kind: string, text: string | null): ((o: KubeObject) => boolean) | undefined {
  if (!text) return undefined;
  let reqs;
  try {
    reqs = parseFieldSelector(text);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) throw new ApiError('BadRequest', e.message);
    throw e;
  }
  if (reqs.length === 0) return undefined;
  const getters = reqs.map((r) => {
    const g: Getter | undefined =
      r.field === 'metadata.name' ? (o) => o.metadata.name
      : r.field === 'metadata.namespace' ? (o) => o.metadata.namespace ?? ''
      : KIND_FIELDS[kind]?.[r.field];
    if (!g) throw new ApiError('BadRequest', `field label not supported: ${r.field}`);
    return { g, r };
  });
  return (o) => getters.every(({ g, r }) => (g(o) === r.value) === (r.operator === 'Equals'));
}
