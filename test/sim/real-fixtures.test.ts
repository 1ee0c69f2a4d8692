import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { readObjects } from '../../src/snapshot/read-objects.js';
import { loadObjects } from '../../src/sim/load-objects.js';
import { MemoryStore } from '../../src/sim/store/memory-store.js';
import { toTable } from '../../src/sim/server/table.js';
import { REAL_FIXTURES_DIR } from '../helpers/paths.js';

const DIR = REAL_FIXTURES_DIR;
const FILES = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe('every real cluster dump loads', () => {
  it('finds the fixtures', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(13);
  });

  for (const f of FILES) {
    it(`loads ${f}: every served object kept, namespaces created, uids present`, () => {
      const text = readFileSync(join(DIR, f), 'utf8');
      const { objects } = loadObjects(text, f);
      const pods = readObjects(text, f).objects.filter((o) => o.kind === 'Pod');
      expect(objects.filter((o) => o.kind === 'Pod')).toHaveLength(new Set(pods.map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`)).size);
      const namespaces = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
      for (const o of objects) {
        expect(o.metadata.uid).toBeTruthy();
        if (o.metadata.namespace) expect(namespaces.has(o.metadata.namespace)).toBe(true);
      }
      const store = new MemoryStore();
      for (const o of objects) store.load(o);
      expect(store.count('Pod')).toBe(pods.length === 0 ? 0 : store.list('Pod').length);
      expect(store.kinds().reduce((n, k) => n + store.count(k), 0)).toBe(objects.length);
      // Every object prints as a Table row with one cell per column (what kubectl get shows).
      for (const kind of store.kinds()) {
        const table = toTable(kind, store.list(kind), Date.parse('2026-11-27T12:00:00Z')) as { columnDefinitions: unknown[]; rows: { cells: unknown[] }[] };
        expect(table.rows).toHaveLength(store.count(kind));
        for (const row of table.rows) expect(row.cells).toHaveLength(table.columnDefinitions.length);
      }
    });
  }
});

describe('kubectl get pods -A lists a loaded dump', () => {
  let sim: TestSim | undefined;
  afterAll(async () => {
    await sim?.stop();
  });

  // Two dumps through the real kubectl: the biggest must-gather (YAML) and a JSON bundle whose
  // pods name nodes that are not in the file.
  for (const f of ['mgclean-ocp48-aws-cluster.yaml', 'insightsop-ocp-gcp-nodes-and-pods.json']) {
    it(`serves ${f}`, async () => {
      await sim?.stop();
      sim = await startTestSim({ file: join(DIR, f), controllers: false });
      const expected = sim.store.list('Pod').map((p) => `${p.metadata.namespace} ${p.metadata.name}`);
      const r = await sim.kubectl(['get', 'pods', '-A', '--no-headers']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const got = r.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '));
      expect(got).toEqual(expected);
      const nodes = await sim.kubectl(['get', 'nodes', '--no-headers']);
      expect(nodes.stdout.trim().split('\n')).toHaveLength(sim.store.list('Node').length);
    });
  }
});
