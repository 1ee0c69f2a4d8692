/**
 * `npm run bench`: the three benchmarks in turn (availability, apply time, plan scale), each
 * printing its Markdown section on stdout. Arguments are passed to none of them; run the
 * parts alone (npm run bench:availability | bench:apply | bench:plan-scale) to tune them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_BUILD, REPO_ROOT } from './lib/bench-paths.js';
import { machineMarkdown } from './lib/machine.js';

const PARTS: [string, string[]][] = [
  ['availability.js', []],
  ['apply-time.js', []],
  ['plan-scale.js', ['--profile']],
];

function run(script: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=6144', join(BENCH_BUILD, script), ...args], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('close', (code) => resolve(code));
  });
}

async function main(): Promise<void> {
  process.stdout.write(`# sdrain benchmarks\n\n${machineMarkdown()}\n`);
  let failed = 0;
  for (const [script, args] of PARTS) {
    const code = await run(script, args);
    if (code !== 0) failed++;
    process.stdout.write('\n');
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
