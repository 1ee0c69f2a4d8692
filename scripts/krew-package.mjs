#!/usr/bin/env node
/**
 * Builds the krew release archive and its plugin manifest:
 *
 *   node scripts/krew-package.mjs [--out DIR] [--base-url URL] [--no-build]
 *
 * 1. `npm pack` (which builds dist/ through the "prepare" script unless --no-build) gives the
 *    package exactly as npm would publish it ("files" in package.json);
 * 2. the archive gets that package under package/, its production dependencies copied from
 *    node_modules (krew has no npm install step), LICENSE, and the `kubectl-sdrain` launcher
 *    (packaging/krew/kubectl-sdrain, a POSIX sh script that runs node);
 * 3. packaging/krew/sdrain.yaml is filled in (version, uri, sha256) and written to DIR.
 *
 * Output (default DIR: .cache/krew): sdrain-<version>-krew.tar.gz and sdrain.yaml.
 * Test locally: kubectl krew install --manifest=DIR/sdrain.yaml --archive=DIR/sdrain-<version>-krew.tar.gz
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { out: join(ROOT, '.cache/krew'), baseUrl: undefined, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') opts.out = resolve(argv[++i] ?? fail('--out needs a directory'));
    else if (a === '--base-url') opts.baseUrl = argv[++i] ?? fail('--base-url needs a URL');
    else if (a === '--no-build') opts.build = false;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('Usage: node scripts/krew-package.mjs [--out DIR] [--base-url URL] [--no-build]\n');
      process.exit(0);
    } else fail(`unknown argument "${a}" (try --help)`);
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
}

const opts = parseArgs(process.argv.slice(2));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const version = pkg.version;
const archiveName = `sdrain-${version}-krew.tar.gz`;
const baseUrl = opts.baseUrl ?? `https://github.com/OWNER/sdrain/releases/download/v${version}`;
if (!existsSync(join(ROOT, 'LICENSE'))) fail('LICENSE is missing: krew requires the archive to contain a license');

const work = mkdtempSync(join(tmpdir(), 'sdrain-krew-'));
try {
  // 1. The npm package.
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work, ...(opts.build ? [] : ['--ignore-scripts'])], ROOT));
  const tgz = join(work, packed[0].filename);
  const stage = join(work, 'stage');
  mkdirSync(stage);
  run('tar', ['-xzf', tgz, '-C', stage]); // → stage/package/...
  if (!existsSync(join(stage, 'package/dist/cli/main.js'))) fail('the npm package has no dist/: run `npm run build` first (or drop --no-build)');

  // 2. Production dependencies, as installed here: package-lock.json lists every installed
  //    package with a "dev" flag for those only devDependencies need.
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const deps = Object.entries(lock.packages ?? {})
    .filter(([path, info]) => path.startsWith('node_modules/') && !info.dev && existsSync(join(ROOT, path)))
    .map(([path]) => join(ROOT, path))
    .sort();
  const copied = [];
  for (const p of deps) {
    if (copied.some((c) => p.startsWith(c + '/'))) continue; // inside a directory already copied
    cpSync(p, join(stage, 'package', relative(ROOT, p)), { recursive: true, dereference: true });
    copied.push(p);
  }
  cpSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'));
  cpSync(join(ROOT, 'packaging/krew/kubectl-sdrain'), join(stage, 'kubectl-sdrain'));
  chmodSync(join(stage, 'kubectl-sdrain'), 0o755);

  // 3. Archive, checksum, manifest.
  mkdirSync(opts.out, { recursive: true });
  const archive = join(opts.out, archiveName);
  run('tar', ['-czf', archive, '-C', stage, 'kubectl-sdrain', 'LICENSE', 'package']);
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  const manifest = readFileSync(join(ROOT, 'packaging/krew/sdrain.yaml'), 'utf8')
    .replaceAll('v0.0.0-VERSION', `v${version}`)
    .replaceAll('https://ARCHIVE-URL', `${baseUrl.replace(/\/$/, '')}/${archiveName}`)
    .replaceAll('0000000000000000000000000000000000000000000000000000000000000000', sha256);
  writeFileSync(join(opts.out, 'sdrain.yaml'), manifest);
  process.stdout.write(`${archive}\n${join(opts.out, 'sdrain.yaml')}\nsha256 ${sha256}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
