/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) into the functions with the most self time,
 * so RESULTS.md can name the hot spots without a profiler UI.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  fn: string;
  where: string;
  selfMs: number;
  share: number;
}

export function hotSpots(file: string, root: string, top = 12): HotSpot[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!);
    const dt = p.timeDeltas[i] ?? 0;
    if (!node) continue;
    total += dt;
    const f = node.callFrame;
    const url = f.url.startsWith('file://') ? relative(root, new URL(f.url).pathname) : f.url || '(native)';
    const key = `${f.functionName}@${url}:${f.lineNumber}`;
    const e = self.get(key) ?? { fn: f.functionName || '(anonymous)', where: `${url}:${f.lineNumber + 1}`, us: 0 };
    e.us += dt;
    self.set(key, e);
  }
  return [...self.values()]
    .sort((a, b) => b.us - a.us || a.where.localeCompare(b.where))
    .slice(0, top)
    .map((e) => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, share: total > 0 ? e.us / total : 0 }));
}
