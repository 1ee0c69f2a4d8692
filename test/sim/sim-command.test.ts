import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../bench/lib/run-process.js';
import { startSimProcess, type SimProcess } from '../../bench/lib/sim-process.js';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { buildProgram } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { formatError } from '../../src/render/format-error.js';
import { InputError } from '../../src/errors.js';
import { startSimulator } from '../../src/sim/simulator.js';
import { runKubectl } from '../helpers/kubectl.js';
import { requireBuiltCli } from '../helpers/cli.js';
import type { KubeObject } from '../../src/model/k8s.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'small-cluster.yaml');

function fakeIO(cwd: string, controller: AbortController): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false, color: false, env: {}, cwd, exitCode: 0, signal: controller.signal };
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const BAD = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: broken, namespace: shop}
  spec: {}
- apiVersion: v1
  kind: Node
  metadata: {}
`;

describe('sdrain sim', () => {
  const dirs: string[] = [];
  const sims: SimProcess[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((p) => p.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sdrain-sim-cmd-'));
    dirs.push(d);
    return d;
  };

  it('serves until aborted: ready line, kubeconfig that kubectl can use, exit code 0', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const io = fakeIO(dir, controller);
    const program = buildProgram(io);
    const running = program.parseAsync(['sim', '--from', FIXTURE, '--kubeconfig-out', 'kc.yaml', '--seed', '7'], { from: 'user' });
    await until(() => io.out.join('').includes('ready'), 30_000, 'the ready line');
    expect(io.out.join('')).toMatch(/^sdrain sim ready at https:\/\/127\.0\.0\.1:\d+ /);
    expect(statSync(join(dir, 'kc.yaml')).mode & 0o777).toBe(0o600);
    const r = await runKubectl(['get', 'nodes', '-o', 'name'], { kubeconfig: join(dir, 'kc.yaml'), cacheDir: join(dir, 'cache') });
    expect(r.stdout).toBe('node/node-1\nnode/node-2\n');
    controller.abort(new Error('received SIGTERM'));
    await running;
    expect(io.exitCode).toBe(0);
    const after = await runKubectl(['get', 'nodes'], { kubeconfig: join(dir, 'kc.yaml'), cacheDir: join(dir, 'cache'), timeoutMs: 20_000 });
    expect(after.code).not.toBe(0);
  });

  it('refuses bad numbers and missing files with a usage or file error', async () => {
    const dir = tempDir();
    const io = fakeIO(dir, new AbortController());
    const program = buildProgram(io);
    await expect(program.parseAsync(['sim', '--from', FIXTURE, '--kubeconfig-out', 'kc', '--port', 'x'], { from: 'user' })).rejects.toThrow('Cannot use --port "x"');
    await expect(program.parseAsync(['sim', '--from', 'nope.yaml', '--kubeconfig-out', 'kc'], { from: 'user' })).rejects.toThrow('Cannot read cluster file nope.yaml: no such file');
  });

  it('names the file, each object and the reason for a file it cannot use', async () => {
    const err = await startSimulator({ text: BAD, file: 'bad.yaml', controllers: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const text = formatError(err);
    expect(text).toContain('error: Cannot load the cluster file "bad.yaml": 2 problems');
    expect(text).toMatch(/bad\.yaml:4: Pod "shop\/broken": Cannot load Pod "shop\/broken": it has no "spec.containers" list/);
    expect(text).toMatch(/bad\.yaml:\d+: Node at document 1, item 2: Cannot load Node at document 1, item 2: it has no "metadata.name"/);
    expect(text).not.toMatch(/\n\s+at /);
    const empty = await startSimulator({ text: '# nothing\n', file: 'empty.yaml', controllers: false }).catch((e: unknown) => e);
    expect(formatError(empty)).toContain('it contains no Kubernetes objects');
  });

  it('says so when the port is taken', async () => {
    const first = await startSimulator({ controllers: false });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startSimulator({ controllers: false, port })).rejects.toThrow(`Cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      await first.stop();
    }
  });

  it('same seed gives the same generated names', async () => {
    const names: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const sim = await startSimulator({ seed: 42, controllers: false });
      try {
        const created = [1, 2, 3].map(() => sim.store.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: '', generateName: 'web-', namespace: 'default' }, spec: { containers: [] } }));
        names.push(created.map((p) => `${p.metadata.name} ${p.metadata.uid}`));
      } finally {
        await sim.stop();
      }
    }
    expect(names[0]).toEqual(names[1]);
    expect(new Set(names[0]).size).toBe(3);
  });

  it('runs as the sdrain binary and exits 0 on SIGTERM', async () => {
    requireBuiltCli();
    const dir = tempDir();
    const sim = await startSimProcess(['--from', FIXTURE, '--kubeconfig-out', join(dir, 'kc.yaml')], { env: { ...process.env, CI: 'true' }, timeoutMs: 30_000 });
    sims.push(sim);
    expect(sim.stdout()).toContain('ready at https://127.0.0.1:');
    expect(readFileSync(join(dir, 'kc.yaml'), 'utf8')).toContain('certificate-authority-data');
    expect(await sim.stop()).toBe(0);

    writeFileSync(join(dir, 'bad.yaml'), BAD);
    const bad = await runProcess(process.execPath, [join(ROOT, 'bin', 'sdrain.js'), 'sim', '--from', join(dir, 'bad.yaml'), '--kubeconfig-out', join(dir, 'kc2.yaml')], { timeoutMs: 30_000 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Cannot load the cluster file');
    expect(bad.stderr).toContain('Pod "shop/broken"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
