import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/k8s.js';
import { deployment, node, startHarness } from './testing/harness.js';

async function run(objects: () => KubeObject[]) {
  const sim = await startHarness(objects(), { seed: 42, podStartupMs: 1500 });
  await sim.advance(5000);
  sim.store.mutate('Deployment', 'default', 'web', (d) => {
    (d.spec as { replicas: number }).replicas = 5;
  });
  await sim.advance(10_000);
  const trace = sim.events.map((e) => `${e.resourceVersion} ${e.type} ${e.kind} ${e.object.metadata.name}`);
  const pods = sim.store.list('Pod').map((p) => [p.metadata.name, (p.spec as { nodeName?: string }).nodeName, p.status]);
  sim.stop();
  return { trace, pods };
}

describe('controllers', () => {
  it('are deterministic: the same objects, seed and clock give the same writes', async () => {
    const objects = () => [node('w1'), node('w2'), deployment('web', 3), deployment('api', 2, { recreate: true })];
    const a = await run(objects);
    const b = await run(objects);
    expect(a.trace.length).toBeGreaterThan(20);
    expect(b.trace).toEqual(a.trace);
    expect(b.pods).toEqual(a.pods);
  });

  it('stop() ends all reactions', async () => {
    const sim = await startHarness([node('w1'), deployment('web', 2)]);
    sim.stop();
    const before = sim.events.length;
    sim.store.mutate('Deployment', 'default', 'web', (d) => {
      (d.spec as { replicas: number }).replicas = 4;
    });
    await sim.advance(10_000);
    expect(sim.events.length).toBe(before + 1);
  });
});
