import { describe, expect, it } from 'vitest';
import { applyPatch, mergePatch, patchTypeOf, strategicMergePatch } from './patch.js';
import { ApiError } from './status.js';

const pod = {
  metadata: { labels: { a: '1', b: '2' }, finalizers: ['f1'] },
  spec: {
    containers: [
      { name: 'app', image: 'app:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'side', image: 'side:1' },
    ],
    tolerations: [{ key: 't1', operator: 'Exists' }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
};

describe('strategic merge patch', () => {
  const cases: { name: string; patch: unknown; check: (r: typeof pod) => void }[] = [
    { name: 'null deletes a key', patch: { metadata: { labels: { a: null } } }, check: (r) => expect(r.metadata.labels).toEqual({ b: '2' }) },
    { name: 'cordon sets a field', patch: { spec: { unschedulable: true } }, check: (r) => expect((r.spec as { unschedulable?: boolean }).unschedulable).toBe(true) },
    {
      name: 'containers merge by name, env by name',
      patch: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'Y', value: '3' }] }] } },
      check: (r) => {
        expect(r.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=app:2', 'side=side:1']);
        expect(r.spec.containers[0]!.env).toEqual([{ name: 'X', value: '1' }, { name: 'Y', value: '3' }]);
      },
    },
    { name: '$patch: delete removes a list element', patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, check: (r) => expect(r.spec.containers.map((c) => c.name)).toEqual(['app']) },
    {
      name: 'conditions merge by type',
      patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      check: (r) => expect(r.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]),
    },
    { name: 'tolerations are replaced', patch: { spec: { tolerations: [{ key: 't2', operator: 'Exists' }] } }, check: (r) => expect(r.spec.tolerations).toEqual([{ key: 't2', operator: 'Exists' }]) },
    { name: 'finalizers merge as a set', patch: { metadata: { finalizers: ['f2', 'f1'] } }, check: (r) => expect(r.metadata.finalizers).toEqual(['f1', 'f2']) },
    {
      name: '$deleteFromPrimitiveList removes values',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['f1'] } },
      check: (r) => expect(r.metadata.finalizers).toEqual([]),
    },
    {
      name: '$setElementOrder directives are ignored',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }], containers: [{ name: 'side', image: 'side:2' }] } },
      check: (r) => expect(r.spec.containers.map((c) => c.image)).toEqual(['app:1', 'side:2']),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = JSON.stringify(pod);
      c.check(strategicMergePatch(pod, c.patch) as typeof pod);
      expect(JSON.stringify(pod)).toBe(before);
    });
  }
});

describe('merge patch and JSON patch', () => {
  it('merge patch replaces lists', () => {
    const r = mergePatch(pod, { spec: { containers: [{ name: 'only' }] } }) as typeof pod;
    expect(r.spec.containers).toEqual([{ name: 'only' }]);
  });
  it('JSON patch applies operations and reports bad ones as 422', () => {
    const r = applyPatch(pod, 'json', [{ op: 'replace', path: '/metadata/labels/a', value: 'z' }]) as typeof pod;
    expect(r.metadata.labels.a).toBe('z');
    expect(() => applyPatch(pod, 'json', [{ op: 'test', path: '/metadata/labels/a', value: 'nope' }])).toThrow(ApiError);
  });
  it('maps content types and rejects unknown ones with 415', () => {
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe('merge');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    try {
      patchTypeOf('application/json');
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).code).toBe(415);
    }
  });
});
