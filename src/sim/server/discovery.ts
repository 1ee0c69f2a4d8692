/**
 * Discovery documents: aggregated (apidiscovery.k8s.io v2 / v2beta1) and legacy
 * (APIVersions, APIGroupList, APIGroup, APIResourceList). kubectl decides the format from the
 * response Content-Type, so the caller must send `contentType` along with `body`.
 */
import { RESOURCES, groups, type ResourceInfo } from './resources.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface DiscoveryResponse {
  contentType: string;
  body: unknown;
}

/** Which aggregated version the Accept header asks for, if any (first listed wins). */
export function aggregatedVersionWanted(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    if (!/as=APIGroupDiscoveryList/.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    const v = /v=(v2beta1|v2)\b/.exec(part)?.[1];
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}

function subresourceKind(res: ResourceInfo, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  if (sub === 'token') return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
  return { group: res.group, version: res.version, kind: res.kind };
}

function subresourceVerbs(sub: string): string[] {
  return sub === 'eviction' || sub === 'token' ? ['create'] : ['get', 'patch', 'update'];
}

function aggregatedResource(res: ResourceInfo): Record<string, unknown> {
  return {
    resource: res.plural,
    responseKind: { group: res.group, version: res.version, kind: res.kind },
    scope: res.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: res.singular,
    verbs: res.verbs ?? VERBS,
    ...(res.shortNames.length ? { shortNames: res.shortNames } : {}),
    ...(res.categories.length ? { categories: res.categories } : {}),
    subresources: res.subresources.map((sub) => ({
      subresource: sub,
      responseKind: subresourceKind(res, sub),
      verbs: subresourceVerbs(sub),
    })),
  };
}

function aggregatedList(version: 'v2' | 'v2beta1', items: unknown[]): DiscoveryResponse {
  return {
    contentType: `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
    body: { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items },
  };
}

/** GET /api */
export function coreDiscovery(accept: string | undefined): DiscoveryResponse {
  const agg = aggregatedVersionWanted(accept);
  if (agg) {
    const resources = RESOURCES.filter((x) => x.group === '').map(aggregatedResource);
    return aggregatedList(agg, [{ metadata: { name: '' }, versions: [{ version: 'v1', resources, freshness: 'Current' }] }]);
  }
  return {
    contentType: 'application/json',
    body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  };
}

function groupEntry(group: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

/** GET /apis */
export function groupsDiscovery(accept: string | undefined): DiscoveryResponse {
  const agg = aggregatedVersionWanted(accept);
  if (agg) {
    const items = groups().map(({ group, version }) => ({
      metadata: { name: group },
      versions: [{ version, resources: RESOURCES.filter((x) => x.group === group).map(aggregatedResource), freshness: 'Current' }],
    }));
    return aggregatedList(agg, items);
  }
  return {
    contentType: 'application/json',
    body: { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(({ group, version }) => groupEntry(group, version)) },
  };
}

/** GET /apis/<group>, or undefined when the group is unknown. */
export function groupDiscovery(group: string): unknown {
  const g = groups().find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.group, g.version) } : undefined;
}

/** GET /api/v1 or /apis/<group>/<version>: legacy APIResourceList, or undefined when unknown. */
export function resourceList(group: string, version: string): unknown {
  const rs = RESOURCES.filter((x) => x.group === group && x.version === version);
  if (rs.length === 0) return undefined;
  const entries: Record<string, unknown>[] = [];
  for (const res of rs) {
    entries.push({
      name: res.plural,
      singularName: res.singular,
      namespaced: res.namespaced,
      kind: res.kind,
      verbs: res.verbs ?? VERBS,
      ...(res.shortNames.length ? { shortNames: res.shortNames } : {}),
      ...(res.categories.length ? { categories: res.categories } : {}),
    });
    for (const sub of res.subresources) {
      const k = subresourceKind(res, sub);
      entries.push({
        name: `${res.plural}/${sub}`,
        singularName: '',
        namespaced: res.namespaced,
        ...(k.group !== res.group || k.version !== res.version ? { group: k.group, version: k.version } : {}),
        kind: k.kind,
        verbs: subresourceVerbs(sub),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources: entries };
}
