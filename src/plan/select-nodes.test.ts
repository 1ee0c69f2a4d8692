import { describe, expect, it } from 'vitest';
import { buildClusterIndex } from './cluster-index.js';
import { orderWaves } from './order-waves.js';
import { selectNodes } from './select-nodes.js';
import { makeSpec, SnapshotBuilder } from './testing/snapshot-builder.js';

const cluster = () =>
  buildClusterIndex(
    new SnapshotBuilder()
      .node('c', { zone: 'b', labels: { pool: 'x' } })
      .node('a', { zone: 'b', labels: { pool: 'x' } })
      .node('d', { zone: 'a', labels: { pool: 'x' } })
      .node('b', { labels: { pool: 'x' } })
      .node('e', { zone: 'a', ready: false })
      .build(),
  );

describe('selectNodes', () => {
  it('takes names in order, then selector matches by name, without duplicates', () => {
    const r = selectNodes(makeSpec(['d', 'a'], { nodes: { names: ['d', 'a'], selector: 'pool=x' } }), cluster());
    expect(r.nodes).toEqual(['d', 'a', 'b', 'c']);
    expect(r.findings).toEqual([]);
  });
  it('reports unknown names, NotReady nodes and an empty selection', () => {
    const r = selectNodes(makeSpec(['nope', 'e']), cluster());
    expect(r.nodes).toEqual(['e']);
    expect(r.findings.map((f) => [f.code, f.severity, f.node])).toEqual([
      ['NODE_NOT_FOUND', 'error', 'nope'],
      ['NODE_NOT_READY', 'warning', 'e'],
    ]);
    expect(selectNodes(makeSpec([], { nodes: { names: [], selector: 'pool=none' } }), cluster()).findings.map((f) => f.code)).toEqual(['NO_NODES']);
  });
});

describe('orderWaves', () => {
  const idx = cluster();
  const sel = ['d', 'a', 'b', 'c', 'e'];
  const cases: [string, Parameters<typeof makeSpec>[1], string[][]][] = [
    ['listed', { order: 'listed', concurrency: 2 }, [['d', 'a'], ['b', 'c'], ['e']]],
    ['name', { order: 'name', concurrency: 2 }, [['a', 'b'], ['c', 'd'], ['e']]],
    ['zone never mixes zones, unlabelled last', { order: 'zone', concurrency: 2 }, [['d', 'e'], ['a', 'c'], ['b']]],
    ['zone with concurrency 3', { order: 'zone', concurrency: 3 }, [['d', 'e'], ['a', 'c'], ['b']]],
  ];
  for (const [name, over, want] of cases) it(name, () => expect(orderWaves(sel, makeSpec(sel, over), idx.nodes)).toEqual(want));
});
