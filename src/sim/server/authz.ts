/**
 * Authentication and (opt-in) RBAC authorization for the simulator, modelled on the real API
 * server: bearer tokens map to identities (the admin token is `kubernetes-admin` in
 * `system:masters`, which RBAC never restricts); with RBAC on, every resource request is
 * allowed only when a ClusterRoleBinding, or a RoleBinding in the request's namespace, grants a
 * rule matching its verb, API group, resource[/subresource] and name (with `*` wildcards and
 * resourceNames), exactly like the RBAC authorizer; anything else is 403 Forbidden with the
 * real message. Also serves SelfSubjectAccessReview (`kubectl auth can-i`),
 * SelfSubjectRulesReview (`kubectl auth can-i --list`, apply's access check) and TokenRequest
 * (`kubectl create token SA`), which mint ServiceAccount tokens. Rules are matched by the pure
 * matcher in src/rbac/match.ts, the one apply's access check uses.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../model/k8s.js';
import { ruleAllows, type PolicyRule, type RequestAttributes } from '../../rbac/match.js';
import type { MemoryStore } from '../store/memory-store.js';
import type { ResourceInfo } from './resources.js';
import { ApiError } from './status.js';

/** Who sent a request. */
export interface Identity {
  user: string;
  groups: string[];
}

export const ADMIN_IDENTITY: Identity = { user: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

/** The identity of a ServiceAccount's tokens. */
export function serviceAccountIdentity(namespace: string, name: string): Identity {
  return { user: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

/** Bearer tokens and whom they stand for. */
export class TokenRegistry {
  private readonly tokens = new Map<string, Identity>();
  constructor(adminToken: string) {
    this.tokens.set(adminToken, ADMIN_IDENTITY);
  }
  /** A new random token for `identity`. */
  mint(identity: Identity): string {
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, { user: identity.user, groups: [...new Set([...identity.groups, 'system:authenticated'])] });
    return token;
  }
  /** The identity behind an `Authorization: Bearer ...` header, or undefined (401). */
  authenticate(header: string | undefined): Identity | undefined {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const given = Buffer.from(m[1]!.trim());
    for (const [token, who] of this.tokens) {
      const t = Buffer.from(token);
      if (t.length === given.length && timingSafeEqual(t, given)) return who;
    }
    return undefined;
  }
}

export type { RequestAttributes } from '../../rbac/match.js';

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Binding extends KubeObject {
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/** The verb of a request, as the real RequestInfoFactory derives it. */
export function requestVerb(method: string, named: boolean, watch: boolean): string {
  if (method === 'GET' || method === 'HEAD') return named ? 'get' : watch ? 'watch' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  return method.toLowerCase();
}

/** list/watch with `fieldSelector=metadata.name=X` are authorized as naming X (like the real server). */
export function nameFromFieldSelector(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  const terms = fieldSelector.split(',').map((t) => t.trim());
  for (const t of terms) {
    const m = /^metadata\.name(==?)(.+)$/.exec(t);
    if (m && /^[^/%]+$/.test(m[2]!) && m[2] !== '.' && m[2] !== '..') return m[2];
  }
  return undefined;
}

function subjectMatches(s: Subject, who: Identity, bindingNamespace: string | undefined): boolean {
  if (s.kind === 'User') return s.name === who.user;
  if (s.kind === 'Group') return s.name !== undefined && who.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNamespace;
    return ns !== undefined && who.user === `system:serviceaccount:${ns}:${s.name}`;
  }
  return false;
}

/** Decision plus, when allowed, the real RBAC authorizer's reason text. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

function describeSubject(s: Subject, bindingNamespace?: string): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount "${s.name ?? ''}/${s.namespace || bindingNamespace || ''}"` : `${s.kind ?? ''} "${s.name ?? ''}"`;
}

/** One rule source: a binding that names `who`, and the rules of the role it refers to. */
interface Grant {
  rules: PolicyRule[];
  /** The real RBAC authorizer's "allowed by" reason. */
  reason: string;
}

/** Every ClusterRoleBinding, and RoleBinding in `namespace`, that names `who`, with its role's rules. */
function grantsFor(store: MemoryStore, who: Identity, namespace: string | undefined): Grant[] {
  const rulesOf = (kind: string | undefined, name: string | undefined, ns: string | undefined): PolicyRule[] => {
    if (!name) return [];
    const role = kind === 'ClusterRole' ? store.get('ClusterRole', undefined, name) : kind === 'Role' && ns ? store.get('Role', ns, name) : undefined;
    return ((role as { rules?: PolicyRule[] } | undefined)?.rules ?? []) as PolicyRule[];
  };
  const out: Grant[] = [];
  for (const b of store.list<Binding>('ClusterRoleBinding')) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(x, who, undefined));
    if (!s || b.roleRef?.kind !== 'ClusterRole') continue;
    out.push({
      rules: rulesOf('ClusterRole', b.roleRef.name, undefined),
      reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef.name ?? ''}" to ${describeSubject(s)}`,
    });
  }
  if (namespace) {
    for (const b of store.list<Binding>('RoleBinding', { namespace })) {
      const s = (b.subjects ?? []).find((x) => subjectMatches(x, who, namespace));
      if (!s) continue;
      out.push({
        rules: rulesOf(b.roleRef?.kind, b.roleRef?.name, namespace),
        reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${namespace}" of ${b.roleRef?.kind ?? ''} "${b.roleRef?.name ?? ''}" to ${describeSubject(s, namespace)}`,
      });
    }
  }
  return out;
}

/** Whether `who` may do `a`, from the Roles and bindings in the store (system:masters always may). */
export function authorize(store: MemoryStore, who: Identity, a: RequestAttributes): Decision {
  if (who.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const grant = grantsFor(store, who, a.namespace).find((g) => g.rules.some((r) => ruleAllows(r, a)));
  return grant ? { allowed: true, reason: grant.reason } : { allowed: false, reason: '' };
}

/** The 403 the real server sends (responsewriters.Forbidden + apierrors.NewForbidden). */
export function forbidden(who: Identity, a: RequestAttributes): ApiError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${who.user}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`;
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const message = a.name ? `${qualified} "${a.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return new ApiError('Forbidden', message, { ...(a.name ? { name: a.name } : {}), ...(a.group ? { group: a.group } : {}), kind: a.resource });
}

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('BadRequest', `the body of the request is not a ${what} object`);
  return body as Record<string, unknown>;
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews (what `kubectl auth can-i` sends). */
export function selfSubjectAccessReview(store: MemoryStore, who: Identity, body: unknown, rbac: boolean): { code: number; body: unknown } {
  const review = asObject(body, 'SelfSubjectAccessReview');
  const spec = (review.spec ?? {}) as { resourceAttributes?: Record<string, unknown>; nonResourceAttributes?: Record<string, unknown> };
  let decision: Decision;
  if (spec.resourceAttributes) {
    const ra = spec.resourceAttributes;
    const str = (k: string) => (typeof ra[k] === 'string' && ra[k] !== '' ? (ra[k] as string) : undefined);
    const attrs: RequestAttributes = {
      verb: str('verb') ?? '',
      group: str('group') ?? '',
      resource: str('resource') ?? '',
      subresource: str('subresource'),
      namespace: str('namespace'),
      name: str('name'),
    };
    decision = rbac ? authorize(store, who, attrs) : { allowed: true, reason: '' };
  } else if (spec.nonResourceAttributes) {
    decision = { allowed: true, reason: 'the simulator allows every non-resource URL to authenticated users' };
  } else {
    throw new ApiError('Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', {
      group: 'authorization.k8s.io',
      kind: 'SelfSubjectAccessReview',
    });
  }
  return {
    code: 201,
    body: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    },
  };
}

/** What every authenticated user may do on a real cluster (the system:basic-user ClusterRole); the simulator always allows it. */
const SELF_REVIEW_RULE: PolicyRule = { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] };

/**
 * POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews (what `kubectl auth can-i --list`
 * and apply's access check send): the resource rules of every ClusterRoleBinding and every
 * RoleBinding in spec.namespace that names the caller, as the RBAC authorizer's RulesFor
 * lists them (unmerged, in binding order). RBAC is the simulator's only authorizer, so the list
 * is complete. system:masters, or any caller when RBAC is off, gets the `*` rules.
 */
export function selfSubjectRulesReview(store: MemoryStore, who: Identity, body: unknown, rbac: boolean): { code: number; body: unknown } {
  const review = asObject(body, 'SelfSubjectRulesReview');
  const spec = (review.spec ?? {}) as { namespace?: unknown };
  const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
  if (namespace === '') throw new ApiError('BadRequest', 'no namespace on request');
  const everything = !rbac || who.groups.includes('system:masters');
  const resourceRules = everything
    ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]
    : [...grantsFor(store, who, namespace).flatMap((g) => g.rules.filter((r) => (r.resources ?? []).length > 0)), SELF_REVIEW_RULE].map((r) => ({
        verbs: [...(r.verbs ?? [])],
        ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
        ...(r.resources ? { resources: [...r.resources] } : {}),
        ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}),
      }));
  return {
    code: 201,
    body: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { namespace },
      status: { resourceRules, nonResourceRules: everything ? [{ verbs: ['*'], nonResourceURLs: ['*'] }] : [], incomplete: false },
    },
  };
}

/** POST /api/v1/namespaces/NS/serviceaccounts/NAME/token (what `kubectl create token NAME` sends). */
export function tokenRequest(store: MemoryStore, tokens: TokenRegistry, namespace: string, name: string, body: unknown): { code: number; body: unknown } {
  if (!store.get('ServiceAccount', namespace, name)) {
    throw new ApiError('NotFound', `serviceaccounts "${name}" not found`, { name, kind: 'serviceaccounts' });
  }
  const req = body === undefined ? {} : asObject(body, 'TokenRequest');
  const spec = (req.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number };
  const seconds = typeof spec.expirationSeconds === 'number' && spec.expirationSeconds >= 600 ? spec.expirationSeconds : 3600;
  const token = tokens.mint(serviceAccountIdentity(namespace, name));
  const expires = new Date(store.clock.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    code: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences: spec.audiences ?? ['https://kubernetes.default.svc'], expirationSeconds: seconds, boundObjectRef: null },
      status: { token, expirationTimestamp: expires },
    },
  };
}

/** Attributes of a routed resource request. */
export function attributesOf(res: ResourceInfo, method: string, r: { namespace?: string; name?: string; subresource?: string }, query: URLSearchParams): RequestAttributes {
  const watch = ['true', '1'].includes(query.get('watch') ?? '');
  const verb = requestVerb(method, r.name !== undefined, watch);
  const name = r.name ?? (verb === 'list' || verb === 'watch' ? nameFromFieldSelector(query.get('fieldSelector')) : undefined);
  return { verb, group: res.group, resource: res.plural, subresource: r.subresource, namespace: r.namespace, name };
}
