/**
 * Smoke run of bench/snapshot-load.ts at tiny sizes: the files are written, the kubectl List is
 * what `kubectl get -o json` looks like, and the streaming load reads every object of each form.
 * No timing assertions — the figures come from running the bench itself.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSnapshotLoad, snapshotLoadMarkdown, writeClusterFile } from '../../bench/snapshot-load.js';
import { generateCluster } from '../../bench/generate-cluster.js';

const work = mkdtempSync(join(tmpdir(), 'sdrain-snapshot-load-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('snapshot-load bench smoke', () => {
  it('writes a kubectl-style List holding every generated object', async () => {
    const { file, pods } = await writeClusterFile(4, 'kubectl-json', work);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('{\n    "apiVersion": "v1",\n    "items": [\n        {\n')).toBe(true);
    const doc = JSON.parse(text) as { kind: string; items: unknown[] };
    expect(doc.kind).toBe('List');
    expect(doc.items).toEqual(JSON.parse(JSON.stringify(generateCluster({ nodes: 4 }))));
    expect(pods).toBe(4 * 30);
  });

  it('loads every form and reports sizes, parse and load figures', async () => {
    const rows = await runSnapshotLoad({ sizes: [3, 6], forms: ['snapshot', 'snapshot-full', 'kubectl-json'], workDir: work, inProcess: true, log: () => undefined });
    expect(rows.map((r) => [r.nodes, r.form, r.pods])).toEqual([
      [3, 'snapshot', 90],
      [3, 'snapshot-full', 90],
      [3, 'kubectl-json', 90],
      [6, 'snapshot', 180],
      [6, 'snapshot-full', 180],
      [6, 'kubectl-json', 180],
    ]);
    for (const r of rows) {
      expect(r.fileMiB).toBeGreaterThan(0);
      expect(r.parseMs).toBeGreaterThan(0);
      expect(r.loadMs).toBeGreaterThan(0);
      expect(r.objects).toBeGreaterThan(r.pods);
    }
    // The same cluster in each form gives the same objects.
    expect(new Set(rows.filter((r) => r.nodes === 6).map((r) => r.objects)).size).toBe(1);
    expect(snapshotLoadMarkdown(rows).split('\n')).toHaveLength(rows.length + 3);
  });
});
