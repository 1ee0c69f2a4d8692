/**
 * Asks the API server, before apply changes anything, whether the kubeconfig user has every
 * permission sdrain needs, so a missing permission is reported all at once up front instead of
 * as a 403 halfway through a drain. Also turns a 403 message into a hint naming the missing
 * permission.
 *
 * Cost: one SelfSubjectRulesReview in the lock namespace (the rules of every ClusterRoleBinding
 * and of the RoleBindings there that name the user), evaluated locally with the RBAC matcher
 * (src/rbac/match.ts). Only permissions those rules do not cover are asked one by one with
 * SelfSubjectAccessReview (what `kubectl auth can-i` sends), which stays the authority: a
 * refusal is always confirmed by it, and it covers authorizers that cannot list rules
 * (`incomplete: true`) and servers without the rules API. Common case: 1 request.
 * The rules review is only a pre-check: every later call is still authorized by the server.
 * Known looseness: the review cannot say whether a rule came from a ClusterRoleBinding or from a
 * RoleBinding in the lock namespace, so a role bound only in the lock namespace counts here as
 * cluster-wide; the call itself then fails with the forbidden hint.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { SdrainError } from '../errors.js';
import { permissionAttributes, rulesAllow, type PolicyRule } from '../rbac/match.js';
import { describePermission, permissionsFor, type Permission, type RbacScope } from '../rbac/rules.js';
import { kubeRequest } from './kube-request.js';

const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';

/** The resource rules the server lists for the user in `namespace`; undefined when it cannot (no such API, refused). */
export async function rulesReview(kc: KubeConfig, namespace: string, signal?: AbortSignal): Promise<{ rules: PolicyRule[]; incomplete: boolean } | undefined> {
  const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } };
  const res = await kubeRequest(kc, { method: 'POST', path: SSRR_PATH, body, signal });
  if (res.status !== 201 && res.status !== 200) return undefined;
  const status = (res.body as { status?: { resourceRules?: unknown; incomplete?: unknown } } | undefined)?.status;
  if (!status || !Array.isArray(status.resourceRules)) return undefined;
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const rules = status.resourceRules
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({ verbs: strings(r.verbs), apiGroups: strings(r.apiGroups), resources: strings(r.resources), resourceNames: strings(r.resourceNames) }));
  return { rules, incomplete: status.incomplete === true };
}

/** One SelfSubjectAccessReview: 'allowed', 'denied', or undefined when the server cannot answer. */
async function accessReview(kc: KubeConfig, p: Permission, signal?: AbortSignal): Promise<'allowed' | 'denied' | undefined> {
  const a = permissionAttributes(p);
  const body = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      resourceAttributes: {
        verb: a.verb,
        group: a.group,
        resource: a.resource,
        ...(a.subresource ? { subresource: a.subresource } : {}),
        ...(a.namespace ? { namespace: a.namespace } : {}),
        ...(a.name ? { name: a.name } : {}),
      },
    },
  };
  const res = await kubeRequest(kc, { method: 'POST', path: SSAR_PATH, body, signal });
  if (res.status !== 201 && res.status !== 200) return undefined;
  const allowed = (res.body as { status?: { allowed?: unknown } } | undefined)?.status?.allowed;
  return allowed === true ? 'allowed' : 'denied';
}

/**
 * The permissions the server says the user lacks; undefined when it cannot tell (no review
 * API). `namespace` is where the rules are listed (the lock namespace).
 */
export async function missingPermissions(kc: KubeConfig, perms: Permission[], opts: { namespace: string; signal?: AbortSignal }): Promise<Permission[] | undefined> {
  const review = await rulesReview(kc, opts.namespace, opts.signal);
  // The listed rules hold for cluster-scoped checks and for checks in the reviewed namespace.
  const covered = (p: Permission) => !!review && (p.namespace === undefined || p.namespace === opts.namespace) && rulesAllow(review.rules, p);
  const ask = perms.filter((p) => !covered(p));
  const answers = await Promise.all(ask.map((p) => accessReview(kc, p, opts.signal)));
  if (answers.some((a) => a === undefined)) return undefined;
  return ask.filter((_, i) => answers[i] === 'denied');
}

/**
 * Throws PLAN_REFUSED (nothing changed) listing every permission `scope` needs that the user
 * lacks. A server without the review APIs, or that cannot be asked, is not checked here:
 * the calls themselves will say what is refused.
 */
export async function requireAccess(kc: KubeConfig, scope: RbacScope, opts: { lockNamespace: string; file: string; signal?: AbortSignal }): Promise<void> {
  let missing: Permission[] | undefined;
  try {
    missing = await missingPermissions(kc, permissionsFor(scope, opts.lockNamespace), { namespace: opts.lockNamespace, signal: opts.signal });
  } catch {
    return; // unreachable: the first real call reports it with the usual error
  }
  if (!missing || missing.length === 0) return;
  const n = missing.length;
  throw new SdrainError(
    'PLAN_REFUSED',
    `Refusing to apply ${opts.file}: the cluster denies ${n} permission${n === 1 ? '' : 's'} sdrain needs:${missing.map((p) => `\n  - ${describePermission(p)}`).join('')}`,
    { hint: `Nothing was changed. ${RBAC_ADVICE(scope, opts.lockNamespace)}` },
  );
}

function RBAC_ADVICE(scope: RbacScope, lockNamespace: string): string {
  const lock = lockNamespace !== 'kube-system' ? ` --lock-namespace ${lockNamespace}` : '';
  return `Run \`sdrain rbac --for ${scope}${lock}\` to see the role sdrain needs, and have a cluster admin grant it (kubectl apply -f -).`;
}

const FORBIDDEN = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;

/** The permission a 403 Status message names as missing: `<verb> <resource> (API group "<g>")[ in namespace "<ns>"]`. */
export function deniedPermission(message: string | undefined): string | undefined {
  const m = FORBIDDEN.exec(message ?? '');
  return m ? `${m[1]} ${m[2]} (API group "${m[3]}")${m[4] ? ` in namespace "${m[4]}"` : ''}` : undefined;
}

/** For a 403: "sdrain needs permission to <verb> <resource> (API group "<g>")...; run `sdrain rbac`". */
export function forbiddenHint(message: string | undefined, scope: RbacScope = 'apply'): string {
  const denied = deniedPermission(message);
  const advice = `run \`sdrain rbac --for ${scope}\` to see the role sdrain needs and have a cluster admin grant it`;
  if (!denied) return `The kubeconfig user lacks an RBAC permission sdrain needs: ${advice}.`;
  return `The cluster refused: sdrain needs permission to ${denied}; ${advice}.`;
}
