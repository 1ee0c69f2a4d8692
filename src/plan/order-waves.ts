/**
 * Groups target nodes into waves of at most `concurrency` nodes. order "listed" keeps the
 * selection order, "name" sorts by name, "zone" drains one zone at a time (zones by name,
 * nodes without a zone label last) and never mixes zones in a wave.
 */
import type { Node } from '../model/k8s.js';
import type { MaintenanceSpec } from '../model/spec.js';
import { compareStrings } from './compare.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
const LEGACY_ZONE_LABEL = 'failure-domain.beta.kubernetes.io/zone';

/** The node's zone ('' when unlabelled). */
export function zoneOf(node: Node | undefined): string {
  const labels = node?.metadata.labels ?? {};
  return labels[ZONE_LABEL] ?? labels[LEGACY_ZONE_LABEL] ?? '';
}

function chunk(names: string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < names.length; i += size) out.push(names.slice(i, i + size));
  return out;
}

export function orderWaves(selected: string[], spec: MaintenanceSpec, nodes: Map<string, Node>): string[][] {
  const size = Math.max(1, Math.floor(spec.spec.concurrency));
  if (spec.spec.order === 'listed') return chunk(selected, size);
  const byName = [...selected].sort(compareStrings);
  if (spec.spec.order === 'name') return chunk(byName, size);
  const zones = new Map<string, string[]>();
  for (const name of byName) {
    const z = zoneOf(nodes.get(name));
    const list = zones.get(z);
    if (list) list.push(name);
    else zones.set(z, [name]);
  }
  const zoneNames = [...zones.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : compareStrings(a, b)));
  return zoneNames.flatMap((z) => chunk(zones.get(z)!, size));
}
