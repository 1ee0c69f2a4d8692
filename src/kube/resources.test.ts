import { describe, expect, it } from 'vitest';
import type { V1Container } from '@kubernetes/client-node';
import { makeNode, makePod } from '../placement/testing/builders.js';
import {
  addInto,
  addPlainPodCosts,
  addResources,
  DEFAULT_MEMORY_REQUEST,
  emptyResources,
  fitsResources,
  insufficientResources,
  isScalarResourceName,
  nodeAllocatable,
  podCosts,
  podRequests,
  subtractResources,
  type Resources,
} from './resources.js';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

function c(name: string, requests: Record<string, string> = {}, extra: Partial<V1Container> = {}): V1Container {
  return { name, ...(Object.keys(requests).length ? { resources: { requests } } : {}), ...extra };
}

function podWith(containers: V1Container[], initContainers: V1Container[] = [], more: Record<string, unknown> = {}) {
  return makePod('p', { spec: { containers, initContainers, ...more } });
}

function cpuMem(r: Resources): [number, number] {
  return [r.cpuMilli, r.memory];
}

describe('podRequests', () => {
  it.each([
    ['one container', [c('a', { cpu: '250m', memory: '64Mi' })], [], [250, 64 * Mi]],
    ['two containers add up', [c('a', { cpu: '250m' }), c('b', { cpu: '1', memory: '1Gi' })], [], [1250, Gi]],
    ['no requests', [c('a')], [], [0, 0]],
    ['a big init container wins per resource', [c('a', { cpu: '100m', memory: '1Gi' })], [c('init', { cpu: '2', memory: '10Mi' })], [2000, Gi]],
    [
      'sidecars add to the containers',
      [c('a', { cpu: '100m' })],
      [c('sidecar', { cpu: '50m' }, { restartPolicy: 'Always' })],
      [150, 0],
    ],
    [
      'an init container after a sidecar runs beside it',
      [c('a', { cpu: '100m' })],
      [c('sidecar', { cpu: '50m' }, { restartPolicy: 'Always' }), c('migrate', { cpu: '200m' })],
      [250, 0],
    ],
    [
      'an init container before the sidecar runs alone',
      [c('a', { cpu: '100m' })],
      [c('migrate', { cpu: '200m' }), c('sidecar', { cpu: '50m' }, { restartPolicy: 'Always' })],
      [200, 0],
    ],
    [
      'sidecars accumulate for later init containers',
      [c('a', { cpu: '10m' })],
      [
        c('s1', { cpu: '100m' }, { restartPolicy: 'Always' }),
        c('s2', { cpu: '100m' }, { restartPolicy: 'Always' }),
        c('i', { cpu: '100m' }),
      ],
      [300, 0],
    ],
  ] as const)('%s', (_title, containers, inits, want) => {
    expect(cpuMem(podRequests(podWith([...containers], [...inits])))).toEqual(want);
  });

  it('defaults a missing request to its limit, as the API server does', () => {
    const pod = podWith([{ name: 'a', resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { memory: '256Mi' } } }]);
    expect(cpuMem(podRequests(pod))).toEqual([500, 256 * Mi]);
  });

  it('adds the RuntimeClass overhead', () => {
    const pod = podWith([c('a', { cpu: '100m', memory: '100Mi' })], [], { overhead: { cpu: '250m', memory: '120Mi' } });
    expect(cpuMem(podRequests(pod))).toEqual([350, 220 * Mi]);
  });

  it('uses pod-level requests for cpu and memory when set', () => {
    const pod = podWith([c('a', { cpu: '100m', memory: '100Mi', 'ephemeral-storage': '1Gi' })], [], {
      resources: { requests: { cpu: '1' } },
    });
    const r = podRequests(pod);
    expect([r.cpuMilli, r.memory, r.ephemeralStorage]).toEqual([1000, 100 * Mi, Gi]);
  });

  it('counts ephemeral storage, extended resources and hugepages; ignores unknown unprefixed names', () => {
    const r = podRequests(
      podWith([c('a', { 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi', storage: '5Gi' })]),
    );
    expect(r.ephemeralStorage).toBe(2 * Gi);
    expect(r.extended).toEqual({ 'nvidia.com/gpu': 1, 'hugepages-2Mi': 4 * Mi });
    expect(r.pods).toBe(1);
  });

  it('applies the scoring defaults only with nonZero', () => {
    const pod = podWith([c('a'), c('b', { cpu: '1' })]);
    expect(cpuMem(podRequests(pod))).toEqual([1000, 0]);
    expect(cpuMem(podRequests(pod, { nonZero: true }))).toEqual([1100, 2 * DEFAULT_MEMORY_REQUEST]);
  });

  it('names the pod, container and resource of an invalid quantity', () => {
    const pod = podWith([c('web', { cpu: 'lots' })]);
    expect(() => podRequests(pod)).toThrow(RangeError);
    expect(() => podRequests(pod)).toThrow(/Pod "default\/p" container "web": cpu: Cannot parse quantity "lots"/);
  });
});

describe('nodeAllocatable', () => {
  it('reads status.allocatable', () => {
    const r = nodeAllocatable(makeNode('n', { cpu: '3500m', memory: '7Gi', pods: '58', extended: { 'nvidia.com/gpu': '2' } }));
    expect(r).toEqual({ cpuMilli: 3500, memory: 7 * Gi, pods: 58, ephemeralStorage: 0, extended: { 'nvidia.com/gpu': 2 } });
  });

  it('falls back to capacity per resource and to 110 pods', () => {
    const node = makeNode('n');
    node.status = { capacity: { cpu: '2', memory: '1Gi' }, allocatable: { cpu: '1900m' } };
    expect(nodeAllocatable(node)).toMatchObject({ cpuMilli: 1900, memory: Gi, pods: 110 });
    node.status = {};
    expect(nodeAllocatable(node)).toMatchObject({ cpuMilli: 0, memory: 0, pods: 110 });
  });

  it('names the node of an invalid quantity', () => {
    const node = makeNode('n1');
    node.status!.allocatable!.memory = '8 GB';
    expect(() => nodeAllocatable(node)).toThrow(/Node "n1".*memory.*"8 GB"/);
  });
});

describe('arithmetic and fit', () => {
  const alloc: Resources = { cpuMilli: 1000, memory: Gi, pods: 3, ephemeralStorage: 10 * Gi, extended: { 'nvidia.com/gpu': 1 } };
  const req = (r: Partial<Resources>): Resources => ({ ...emptyResources(), pods: 1, ...r });

  it.each([
    ['fits', req({ cpuMilli: 500 }), req({ cpuMilli: 500, pods: 1 }), []],
    ['exactly full still fits', req({ cpuMilli: 1000, memory: Gi }), emptyResources(), []],
    ['cpu', req({ cpuMilli: 600 }), req({ cpuMilli: 500 }), ['cpu']],
    ['pods first, then cpu and memory', req({ cpuMilli: 600, memory: Gi }), req({ cpuMilli: 500, memory: 1, pods: 3 }), ['pods', 'cpu', 'memory']],
    ['ephemeral storage', req({ ephemeralStorage: 11 * Gi }), emptyResources(), ['ephemeral-storage']],
    ['extended the node lacks', req({ extended: { 'example.com/fpga': 1 } }), emptyResources(), ['example.com/fpga']],
    ['extended used up', req({ extended: { 'nvidia.com/gpu': 1 } }), req({ extended: { 'nvidia.com/gpu': 1 } }), ['nvidia.com/gpu']],
    ['zero requests are not checked even on an overcommitted node', req({}), req({ cpuMilli: 5000 }), []],
  ] as const)('%s', (_t, request, requested, want) => {
    expect(insufficientResources(request, requested, alloc)).toEqual(want);
    expect(fitsResources(request, requested, alloc)).toBe(want.length === 0);
  });

  it('adds and subtracts without mutating, dropping zeroed extended entries', () => {
    const a = req({ cpuMilli: 100, extended: { x: 1 } });
    const b = req({ cpuMilli: 50, extended: { x: 1, y: 2 } });
    expect(addResources(a, b)).toEqual({ cpuMilli: 150, memory: 0, pods: 2, ephemeralStorage: 0, extended: { x: 2, y: 2 } });
    expect(subtractResources(b, a)).toEqual({ cpuMilli: -50, memory: 0, pods: 0, ephemeralStorage: 0, extended: { y: 2 } });
    expect(a.cpuMilli).toBe(100);
  });

  it.each([
    ['nvidia.com/gpu', true],
    ['hugepages-1Gi', true],
    ['attachable-volumes-aws-ebs', true],
    ['example.kubernetes.io/thing', true],
    ['storage', false],
    ['requests.nvidia.com/gpu', false],
  ])('isScalarResourceName(%s) = %s', (name, want) => {
    expect(isScalarResourceName(name)).toBe(want);
  });
});

describe('addPlainPodCosts', () => {
  const sums = (pod: Parameters<typeof podCosts>[0]) => {
    const request = emptyResources();
    const nonZero = emptyResources();
    const plain = addPlainPodCosts(request, nonZero, pod);
    return { plain, request, nonZero };
  };

  it('adds what podCosts computes for plain pods, without the intermediate objects', () => {
    const pods = [
      podWith([c('a', { cpu: '250m', memory: '64Mi' }), c('b', { cpu: '1' })]),
      podWith([c('a')]),
      podWith([c('a', {}, { resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '500m' } } })]),
      podWith([c('a', { 'ephemeral-storage': '1Gi' })]),
      podWith([]),
    ];
    for (const pod of pods) {
      const costs = podCosts(pod);
      const got = sums(pod);
      expect(got.plain).toBe(true);
      expect(got.request).toEqual(addInto(emptyResources(), costs.request));
      expect(got.nonZero).toEqual(addInto(emptyResources(), costs.nonZero));
    }
  });

  it('adds nothing and declines other pods', () => {
    const others = [
      podWith([c('a', { cpu: '1' })], [c('init', { cpu: '2' })]),
      podWith([c('a', { 'nvidia.com/gpu': '1' })]),
      podWith([c('a', { cpu: 'lots' })]),
      podWith([c('a', { cpu: '1' })], [], { overhead: { cpu: '100m' } }),
    ];
    for (const pod of others) {
      const got = sums(pod);
      expect(got.plain).toBe(false);
      expect(got.request).toEqual(emptyResources());
      expect(got.nonZero).toEqual(emptyResources());
    }
  });
});
