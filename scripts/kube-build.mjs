// `npm run kube:build`: builds the real control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok, one multicall binary from kube/) from the Go
// module proxy into a cache outside the work tree, keyed by what is built. A second run finds the
// cached binary and takes well under a second. Prints each step and how long it took.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KUBE_MODULE_DIR, binaryPath, buildKey, goBuildArgs, goVersion, pinnedKubernetesVersion } from './kube-lib.mjs';

const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const say = (line) => process.stdout.write(`kube:build: ${line}\n`);

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args[0]} failed (${signal ?? `exit ${code}`})`))));
  });
}

async function main() {
  const go = goVersion();
  if (!go) {
    process.stderr.write('kube:build: needs Go 1.26 or newer on PATH (go not found) and the Go module proxy; `npm test` and `sdrain sim` need no Go\n');
    return 1;
  }
  const version = pinnedKubernetesVersion();
  const key = buildKey(go);
  const target = binaryPath(key);
  say(`${go}; Kubernetes ${version}; cache key ${key}`);
  if (existsSync(target)) {
    say(`cached: ${target} (${seconds(started)})`);
    return 0;
  }
  const env = { ...process.env, CGO_ENABLED: '0' };
  let t = performance.now();
  say('downloading modules (go mod download) ...');
  await run('go', ['mod', 'download'], { cwd: KUBE_MODULE_DIR, env });
  say(`modules ready (${seconds(t)})`);

  t = performance.now();
  say('compiling and linking etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (one binary) ...');
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    await run('go', goBuildArgs(version, partial), { cwd: KUBE_MODULE_DIR, env });
    const stamped = execFileSync(partial, ['version'], { encoding: 'utf8' }).trim();
    if (!stamped.startsWith(`${version} `)) throw new Error(`the binary reports ${stamped}, expected ${version}`);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  writeFileSync(join(dirname(target), 'build.json'), `${JSON.stringify({ key, version, go, builtAt: new Date().toISOString(), buildSeconds: Number(((performance.now() - t) / 1000).toFixed(1)) }, null, 2)}\n`);
  say(`built ${target} (${seconds(t)})`);
  say(`done (${seconds(started)})`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`kube:build: ${err.message}\n`);
    process.exit(1);
  },
);
