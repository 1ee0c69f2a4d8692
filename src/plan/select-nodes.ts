/**
 * Which nodes the maintenance covers: spec.nodes.names in the order given, then the nodes the
 * selector matches, by name. Unknown names are errors (a typo must not silently shrink the
 * maintenance); NotReady targets are warnings (their pods may already be gone or stuck).
 */
import type { Node } from '../model/k8s.js';
import type { MaintenanceSpec } from '../model/spec.js';
import { matches, parseSelector, SelectorSyntaxError } from '../kube/selector.js';
import type { ClusterIndex } from './cluster-index.js';
import type { WorkloadFinding } from './choose-method.js';

export interface NodeFinding extends WorkloadFinding {
  node?: string;
}

export interface NodeSelection {
  /** Target node names: names first (listed order), then selector matches by name; no duplicates. */
  nodes: string[];
  findings: NodeFinding[];
}

/** Ready condition True; a node without conditions counts as not ready. */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function selectNodes(spec: MaintenanceSpec, index: ClusterIndex): NodeSelection {
  const findings: NodeFinding[] = [];
  const chosen: string[] = [];
  const seen = new Set<string>();
  for (const name of spec.spec.nodes.names) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (!index.nodes.has(name)) {
      findings.push({
        severity: 'error',
        code: 'NODE_NOT_FOUND',
        node: name,
        message: `Cannot drain node "${name}": it is not in the cluster`,
        hint: 'Check the name with kubectl get nodes',
      });
      continue;
    }
    chosen.push(name);
  }
  const selectorText = spec.spec.nodes.selector;
  if (selectorText !== undefined && selectorText.trim() !== '') {
    try {
      const selector = parseSelector(selectorText);
      for (const name of index.nodeNames) {
        if (seen.has(name)) continue;
        if (matches(selector, index.nodes.get(name)!.metadata.labels)) {
          seen.add(name);
          chosen.push(name);
        }
      }
    } catch (err) {
      if (!(err instanceof SelectorSyntaxError)) throw err;
      findings.push({ severity: 'error', code: 'NODE_NOT_FOUND', message: err.message });
    }
  }
  for (const name of chosen) {
    const node = index.nodes.get(name)!;
    if (!isNodeReady(node)) {
      findings.push({
        severity: 'warning',
        code: 'NODE_NOT_READY',
        node: name,
        message: `Node "${name}" is not Ready: its pods may not terminate cleanly and evictions can hang until the node returns`,
      });
    }
  }
  if (chosen.length === 0) {
    findings.push({
      severity: 'error',
      code: 'NO_NODES',
      message: selectorText ? `No node matches: names ${JSON.stringify(spec.spec.nodes.names)} and selector "${selectorText}" select nothing` : 'No node is selected',
      hint: 'List nodes in spec.nodes.names or give a selector that matches some',
    });
  }
  return { nodes: chosen, findings };
}
