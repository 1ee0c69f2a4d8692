import { describe, expect, it } from 'vitest';
import { buildPlacementState } from '../placement-state.js';
import { checkPodOnNode } from '../schedule.js';
import { makeNode, makePod } from '../testing/builders.js';

describe('NodeResourcesFit', () => {
  const state = buildPlacementState({
    nodes: [makeNode('n', { cpu: '2', memory: '4Gi', pods: '3', ephemeralStorage: '10Gi', extended: { 'nvidia.com/gpu': '1' } })],
    pods: [makePod('a', { node: 'n', cpu: '1500m', memory: '3Gi' }), makePod('b', { node: 'n', requests: { 'nvidia.com/gpu': '1' } })],
  });

  it.each([
    ['fits', { cpu: '500m', memory: '1Gi' }, []],
    ['cpu', { cpu: '501m' }, ['Insufficient cpu']],
    ['cpu and memory', { cpu: '1', memory: '2Gi' }, ['Insufficient cpu', 'Insufficient memory']],
    ['ephemeral storage', { requests: { 'ephemeral-storage': '11Gi' } }, ['Insufficient ephemeral-storage']],
    ['a used-up GPU', { requests: { 'nvidia.com/gpu': '1' } }, ['Insufficient nvidia.com/gpu']],
    ['a resource the node lacks', { requests: { 'example.com/fpga': '1' } }, ['Insufficient example.com/fpga']],
  ] as const)('%s', (_t, opts, want) => {
    expect(checkPodOnNode(state, makePod('p', opts), 'n').map((f) => f.message)).toEqual(want);
  });

  it('reports every insufficient resource, pods first', () => {
    const s = buildPlacementState({ nodes: [makeNode('n', { cpu: '1', pods: '1' })], pods: [makePod('a', { node: 'n', cpu: '1' })] });
    expect(checkPodOnNode(s, makePod('p', { cpu: '1' }), 'n').map((f) => f.message)).toEqual(['Too many pods', 'Insufficient cpu']);
  });

  it('does not count a placed pod twice when asking whether it fits where it is', () => {
    expect(checkPodOnNode(state, state.getPod('default/a')!, 'n')).toEqual([]);
  });
});

describe('NodePorts', () => {
  const withPort = (name: string, hostPort: number, extra: { node?: string; protocol?: string; hostIP?: string } = {}) =>
    makePod(name, {
      node: extra.node,
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, protocol: extra.protocol, hostIP: extra.hostIP }] }] },
    });
  const state = buildPlacementState({
    nodes: [makeNode('n')],
    pods: [withPort('ingress', 443, { node: 'n' }), withPort('dns', 53, { node: 'n', protocol: 'UDP', hostIP: '10.0.0.1' })],
  });

  it.each([
    ['same port', withPort('p', 443), false],
    ['other port', withPort('p', 8443), true],
    ['same port, other protocol', withPort('p', 443, { protocol: 'UDP' }), true],
    ['specific IP against a wildcard', withPort('p', 443, { hostIP: '10.0.0.2' }), false],
    ['other specific IP', withPort('p', 53, { protocol: 'UDP', hostIP: '10.0.0.2' }), true],
    ['wildcard against a specific IP', withPort('p', 53, { protocol: 'UDP' }), false],
  ])('%s → fits=%s', (_t, pod, fits) => {
    const failures = checkPodOnNode(state, pod, 'n');
    expect(failures.length === 0).toBe(fits);
    if (!fits) expect(failures[0]!.message).toBe("node(s) didn't have free ports for the requested pod ports");
  });
});

describe('NodePorts with hostNetwork', () => {
  it('claims container ports on the host', () => {
    const hostNet = (name: string, node?: string) =>
      makePod(name, { node, spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 9100 }] }] } });
    const state = buildPlacementState({ nodes: [makeNode('n'), makeNode('m')], pods: [hostNet('exporter-1', 'n')] });
    expect(checkPodOnNode(state, hostNet('exporter-2'), 'n').map((f) => f.predicate)).toEqual(['NodePorts']);
    expect(checkPodOnNode(state, hostNet('exporter-2'), 'm')).toEqual([]);
    expect(checkPodOnNode(state, makePod('plain', { spec: { containers: [{ name: 'c', ports: [{ containerPort: 9100 }] }] } }), 'n')).toEqual([]);
  });
});

describe('NodePorts with sidecar containers', () => {
  // Upstream's GetHostPorts: init containers with restartPolicy Always run beside the app
  // containers for the pod's whole life; other init containers have exited before it runs.
  const initWithPort = (name: string, restartPolicy: string | undefined, node?: string) =>
    makePod(name, {
      node,
      spec: { initContainers: [{ name: 'proxy', image: 'proxy:1', ...(restartPolicy ? { restartPolicy } : {}), ports: [{ containerPort: 15001, hostPort: 15001 }] }] },
    });
  const plainWithPort = (name: string) => makePod(name, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 15001, hostPort: 15001 }] }] } });

  it.each([
    ['a sidecar on the node holds its port against an app container', [initWithPort('mesh', 'Always', 'n')], plainWithPort('p'), false],
    ["a plain init container's port is free again", [initWithPort('setup', undefined, 'n')], plainWithPort('p'), true],
    ['an init container with restartPolicy Never holds nothing', [initWithPort('setup', 'Never', 'n')], plainWithPort('p'), true],
    ['an incoming sidecar needs its port free', [makePod('app', { node: 'n', spec: { containers: [{ name: 'c', ports: [{ containerPort: 15001, hostPort: 15001 }] }] } })], initWithPort('p', 'Always'), false],
    ['two sidecars on the same port conflict', [initWithPort('mesh', 'Always', 'n')], initWithPort('p', 'Always'), false],
  ])('%s', (_t, placed, pod, fits) => {
    const state = buildPlacementState({ nodes: [makeNode('n')], pods: placed });
    const failures = checkPodOnNode(state, pod, 'n');
    expect(failures.map((f) => f.message)).toEqual(fits ? [] : ["node(s) didn't have free ports for the requested pod ports"]);
  });
});
