/**
 * The RBAC rule matcher (rbac.RuleAllows for resource requests), pure and shared: the
 * simulator's authorizer decides requests with it, and apply's access check evaluates the rules
 * a SelfSubjectRulesReview returns with it, so both read a rule the same way. Semantics of the
 * real authorizer: `*` matches any verb, API group or resource; a resource written as star-slash-sub
 * (e.g. `*` + `/eviction`) matches that subresource of any resource; a subresource is only matched as `resource/sub` (a rule for `pods` does not
 * cover `pods/eviction`); non-empty resourceNames only match requests naming one of them (so
 * never `create`, `list` or `watch` without a name).
 */
import type { Permission } from './rules.js';

/** An RBAC PolicyRule (also the shape of a SelfSubjectRulesReview resourceRule). */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** What the authorizer decides on (authorizer.Attributes of a resource request). */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function has(list: string[] | undefined, value: string): boolean {
  return !!list && (list.includes('*') || list.includes(value));
}

function resourceMatches(rule: PolicyRule, a: RequestAttributes): boolean {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (a.subresource && r === `*/${a.subresource}`) return true;
  }
  return false;
}

/** Whether one rule allows a resource request. */
export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.group) || !resourceMatches(rule, a)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

/** The request attributes a permission (`pods/eviction` style resource) stands for. */
export function permissionAttributes(p: Permission): RequestAttributes {
  const [resource = '', subresource] = p.resource.split('/', 2);
  return { verb: p.verb, group: p.group, resource, ...(subresource ? { subresource } : {}), ...(p.namespace ? { namespace: p.namespace } : {}), ...(p.name ? { name: p.name } : {}) };
}

/** Whether any of `rules` allows permission `p`. */
export function rulesAllow(rules: readonly PolicyRule[], p: Permission): boolean {
  const a = permissionAttributes(p);
  return rules.some((r) => ruleAllows(r, a));
}
