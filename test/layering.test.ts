/**
 * The layering the README's Development section describes, enforced: the pure core (model,
 * kube, placement, spec, plan, planfile, render) imports no Node I/O module and nothing from the
 * edges (cluster, cli, sim, apply, demo, app); the demo and the tests use the CLI only through its
 * entry (src/cli/main.ts and the CliIO it injects), never its commands' internals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

const SRC = join(REPO_ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

interface Import {
  spec: string;
  /** `import type …` / `export type …`: erased when compiled. */
  typeOnly: boolean;
}

/** Every module a file imports or re-exports (static and dynamic). */
function imports(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** The src/ top-level folder a relative import lands in ("plan", "cli"…), or undefined. */
function layerOf(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const target = relative(SRC, resolve(dirname(file), spec));
  return target.startsWith('..') ? undefined : target.split(/[\\/]/)[0];
}

const CORE = ['model', 'kube', 'placement', 'spec', 'plan', 'planfile', 'render'];
const EDGES = ['cluster', 'cli', 'sim', 'apply', 'demo', 'app', 'snapshot', 'rbac'];
/** Node modules the core may use: hashing and loading its own JSON schemas are not I/O with the world. */
const CORE_NODE_ALLOWED = new Set(['node:crypto', 'node:module']);
/** What the core may import from an edge, types only: the apply events and results the renderers draw. */
const CORE_EDGE_TYPES: Record<string, RegExp> = { render: /^\.\.\/apply\/apply-(event|result)\.js$/ };

function violations(filesIn: string[], rule: (file: string, imp: Import) => string | undefined): string[] {
  return filesIn.flatMap((f) => imports(f).flatMap((i) => rule(f, i) ?? []).map((why) => `${relative(REPO_ROOT, f)}: ${why}`));
}

describe('layering', () => {
  it('the pure core imports no Node I/O module, no edge and no library that talks to the world', () => {
    // Their tests may read fixtures; the modules may not.
    const core = CORE.flatMap((d) => files(join(SRC, d))).filter((f) => !f.endsWith('.test.ts'));
    expect(core.length).toBeGreaterThan(50);
    const bad = violations(core, (file, { spec, typeOnly }) => {
      if ((spec.startsWith('node:') || /^(fs|path|os|http|https|net|child_process)$/.test(spec)) && !CORE_NODE_ALLOWED.has(spec)) return `imports ${spec}`;
      // client-node's types describe the objects; its code talks to servers.
      if (spec === '@kubernetes/client-node' && !typeOnly) return `imports ${spec} (not only its types)`;
      const layer = layerOf(file, spec);
      if (layer && EDGES.includes(layer)) {
        const own = relative(SRC, file).split(/[\\/]/)[0]!;
        const allowed = CORE_EDGE_TYPES[own];
        if (!typeOnly || !allowed || !allowed.test(spec)) return `imports ${spec} (src/${layer})`;
      }
      return undefined;
    });
    expect(bad).toEqual([]);
  });

  it('the demo does not reach into the CLI', () => {
    const bad = violations(files(join(SRC, 'demo')), (file, { spec }) => (layerOf(file, spec) === 'cli' ? `imports ${spec}` : undefined));
    expect(bad).toEqual([]);
  });

  it('tests use the CLI only through its entry (main.ts) and the IO it injects', () => {
    const tests = [...files(join(REPO_ROOT, 'test')), ...files(SRC).filter((f) => f.endsWith('.test.ts'))];
    const bad = violations(tests, (file, { spec }) => {
      if (!spec.startsWith('.')) return undefined;
      const target = relative(SRC, resolve(dirname(file), spec)).replace(/\\/g, '/');
      if (!target.startsWith('cli/')) return undefined;
      return target === 'cli/main.js' || target === 'cli/io.js' ? undefined : `imports src/${target}`;
    });
    expect(bad).toEqual([]);
  });
});
