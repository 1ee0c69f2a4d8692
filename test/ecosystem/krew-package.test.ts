/**
 * The krew release: scripts/krew-package.mjs builds the archive and fills in the manifest; the
 * test checks the manifest's fields against krew's plugin format, the checksum, that the archive
 * holds the `bin` the manifest names (and the LICENSE krew requires), and then installs it the
 * way krew does — extract, link the bin into a PATH directory — and runs `kubectl sdrain` with
 * the real kubectl. Uses --no-build: dist/ must be built (`npx tsc -p tsconfig.build.json`).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { cliIsBuilt, REPO_ROOT } from '../helpers/cli.js';
import { kubectlPath } from '../helpers/kubectl.js';

const exec = promisify(execFile);
let dir: string;
let out: string;
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const archiveName = `sdrain-${version}-krew.tar.gz`;

interface KrewPlugin {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version: string;
    homepage: string;
    shortDescription: string;
    description: string;
    caveats?: string;
    platforms: { selector: { matchExpressions?: { key: string; operator: string; values: string[] }[]; matchLabels?: Record<string, string> }; uri: string; sha256: string; bin: string; files?: { from: string; to: string }[] }[];
  };
}

beforeAll(async () => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` first');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-krew-test-'));
  out = join(dir, 'out');
  await exec(process.execPath, [join(REPO_ROOT, 'scripts/krew-package.mjs'), '--no-build', '--out', out, '--base-url', 'https://example.test/releases/v1/'], {
    cwd: REPO_ROOT,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('krew package', () => {
  it('the manifest follows the krew plugin format, with the archive URL and checksum filled in', () => {
    const m = parse(readFileSync(join(out, 'sdrain.yaml'), 'utf8')) as KrewPlugin;
    expect(m.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
    expect(m.kind).toBe('Plugin');
    expect(m.metadata.name).toBe('sdrain');
    expect(m.spec.version).toBe(`v${version}`);
    expect(m.spec.version).toMatch(/^v\d+\.\d+\.\d+/); // krew requires a semver with a leading v
    expect(m.spec.shortDescription.length).toBeLessThanOrEqual(50);
    expect(m.spec.description.length).toBeGreaterThan(50);
    expect(m.spec.homepage).toMatch(/^https:\/\//);
    expect(m.spec.platforms.length).toBeGreaterThan(0);
    const sha = createHash('sha256').update(readFileSync(join(out, archiveName))).digest('hex');
    for (const p of m.spec.platforms) {
      expect(p.selector.matchExpressions ?? p.selector.matchLabels).toBeDefined();
      expect(p.uri).toBe(`https://example.test/releases/v1/${archiveName}`);
      expect(p.sha256).toBe(sha);
      expect(p.bin).toBe('kubectl-sdrain');
    }
    // The template in the repository keeps its placeholders.
    expect(readFileSync(join(REPO_ROOT, 'packaging/krew/sdrain.yaml'), 'utf8')).toContain('https://ARCHIVE-URL');
  });

  it('the archive holds the bin, LICENSE and the package with its production dependencies only', async () => {
    const { stdout } = await exec('tar', ['-tzf', join(out, archiveName)], { maxBuffer: 64 * 1024 * 1024 });
    const entries = new Set(stdout.split('\n').map((e) => e.replace(/\/$/, '')));
    for (const f of ['kubectl-sdrain', 'LICENSE', 'package/package.json', 'package/bin/kubectl-sdrain.js', 'package/dist/cli/main.js', 'package/schemas/maintenance.schema.json']) {
      expect(entries.has(f), f).toBe(true);
    }
    expect(entries.has('package/node_modules/@kubernetes/client-node/package.json')).toBe(true);
    expect(entries.has('package/node_modules/commander/package.json')).toBe(true);
    // devDependencies stay out.
    expect([...entries].some((e) => e.startsWith('package/node_modules/vitest/'))).toBe(false);
    expect([...entries].some((e) => e.startsWith('package/node_modules/typescript/'))).toBe(false);
    expect([...entries].some((e) => e.startsWith('package/test/') || e.startsWith('package/src/'))).toBe(false);
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('installed like krew does (extract, link the bin onto PATH), `kubectl sdrain` runs', async () => {
    const store = join(dir, 'store/sdrain/v');
    const krewBin = join(dir, 'krew-bin');
    mkdirSync(store, { recursive: true });
    mkdirSync(krewBin);
    await exec('tar', ['-xzf', join(out, archiveName), '-C', store]);
    expect(statSync(join(store, 'kubectl-sdrain')).mode & 0o111).not.toBe(0);
    symlinkSync(join(store, 'kubectl-sdrain'), join(krewBin, 'kubectl-sdrain'));
    const kubectl = await kubectlPath();
    const env = { PATH: [krewBin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'), HOME: dir };
    const help = await exec(kubectl, ['sdrain', 'plan', '--help'], { cwd: dir, env });
    expect(help.stdout).toMatch(/^Usage: kubectl sdrain plan \[options\]/);
    // It runs from the extracted package, not from this checkout.
    const plan = await exec(kubectl, ['sdrain', 'plan', '-f', join(REPO_ROOT, 'examples/maint.yaml'), '--snapshot', join(REPO_ROOT, 'examples/cluster.yaml'), '--out', join(dir, 'p.json')], { cwd: dir, env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(plan.stdout).toContain('Wave 1: worker-1');

    // Without node on PATH the launcher says what to do.
    const tools = join(dir, 'tools');
    mkdirSync(tools);
    for (const t of ['dirname', 'readlink']) symlinkSync(`/usr/bin/${t}`, join(tools, t));
    const noNode = await exec(join(krewBin, 'kubectl-sdrain'), ['--help'], { env: { PATH: [krewBin, tools].join(':') } }).catch((e: { code: number; stderr: string }) => e);
    expect((noNode as { code: number }).code).toBe(1);
    expect(noNode.stderr).toContain("needs Node.js, but 'node' is not on PATH");
    expect(noNode.stderr).toMatch(/^hint: Install Node.js 20.19 or later/m);
  });
});
