// What `npm run kube:build` and `npm run kube:up` share: where the real control plane's binary
// is cached and the key it is cached under. The key is a hash of everything that decides the
// binary (the Go module files, its Go sources, the version ldflags, the Go toolchain and target),
// so a changed pin or a new Go builds again and an unchanged tree finds its binary in seconds.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's Go module that builds the control plane. */
export const KUBE_MODULE_DIR = fileURLToPath(new URL('../kube/', import.meta.url));

/** The cache root, outside the work tree (SDRAIN_KUBE_CACHE overrides). */
export function kubeCacheRoot() {
  if (process.env.SDRAIN_KUBE_CACHE) return process.env.SDRAIN_KUBE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'sdrain-kube');
}

/** The Kubernetes release the module pins (its k8s.io/kubernetes requirement), e.g. "v1.36.3". */
export function pinnedKubernetesVersion() {
  const mod = readFileSync(join(KUBE_MODULE_DIR, 'go.mod'), 'utf8');
  const m = /^\s*k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(mod);
  if (!m) throw new Error('kube/go.mod does not require k8s.io/kubernetes at a release version');
  return m[1];
}

/**
 * -X flags that stamp the exact release into both version packages: kubectl version and the
 * apiserver's /version must report it, and a wrong gitVersion fails start-up validation.
 */
export function versionLdflags(version) {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const flags = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`);
  }
  return flags.join(' ');
}

/** The `go build` arguments (part of the cache key): static, no VCS stamp, exact version ldflags. */
export function goBuildArgs(version, output) {
  return ['build', '-trimpath', '-buildvcs=false', '-ldflags', `-s -w ${versionLdflags(version)}`, '-o', output, './cmd/kubebin'];
}

/** `go version`'s line, or undefined when there is no Go on PATH. */
export function goVersion() {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

function moduleFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...moduleFiles(path));
    else if (/\.(go|mod|sum)$/.test(name)) out.push(path);
  }
  return out;
}

/** The cache key of the binary this tree and this Go build. */
export function buildKey(go) {
  const h = createHash('sha256');
  h.update(`${go}\n${process.platform}/${process.arch}\nCGO_ENABLED=0 ${goBuildArgs(pinnedKubernetesVersion(), '-').join(' ')}\n`);
  for (const file of moduleFiles(KUBE_MODULE_DIR)) {
    h.update(`${relative(KUBE_MODULE_DIR, file)}\n`);
    h.update(readFileSync(file));
  }
  return h.digest('hex').slice(0, 16);
}

/** Where the binary of `key` lives. */
export function binaryPath(key) {
  return join(kubeCacheRoot(), key, 'kubebin');
}

/**
 * The built binary for this tree: SDRAIN_KUBEBIN if set, else the cached build of the current
 * key. Throws a one-line explanation when there is none.
 */
export function resolveBinary() {
  if (process.env.SDRAIN_KUBEBIN) return process.env.SDRAIN_KUBEBIN;
  const go = goVersion();
  if (!go) throw new Error('the real control plane needs Go 1.26 or newer on PATH (go not found); `npm test` and `sdrain sim` need no Go');
  const path = binaryPath(buildKey(go));
  if (!existsSync(path)) throw new Error(`no built control plane for this tree (${path}): run \`npm run kube:build\` first`);
  return path;
}
