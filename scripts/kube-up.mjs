// `npm run kube:up -- --kubeconfig-out FILE [--port N] [--pod-startup-ms N] [--log-dir DIR]`
//
// Starts a real Kubernetes control plane on 127.0.0.1 only, as separate processes of the binary
// `npm run kube:build` made: etcd, kube-apiserver (HTTPS, bearer tokens, Node+RBAC authorizers),
// kube-controller-manager, kube-scheduler, and kwok as the fake kubelet of every node, with
// sdrain's stages (kube/kwok-stages.yaml). The cluster starts with no nodes. Prints one line
// containing `ready` and the server URL once the API answers and the `default/default`
// ServiceAccount exists (the same contract as `sdrain sim`), runs until SIGINT/SIGTERM, then
// stops every process it started and removes its data.
import { spawn } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KUBE_MODULE_DIR, pinnedKubernetesVersion, resolveBinary } from './kube-lib.mjs';
import { generateTls } from '../dist/sim/tls.js';
import { buildKubeconfig } from '../dist/sim/kubeconfig.js';

const USAGE = 'usage: npm run kube:up -- --kubeconfig-out FILE [--port N] [--pod-startup-ms N] [--log-dir DIR] [--large] [--restart-crashed]';

/**
 * --large: the limits an operator raises for a cluster of thousands of nodes and pods on one
 * machine (bench:kube-scale): the apiserver's in-flight limits, and the controller manager's
 * and scheduler's client QPS and sync workers, so loading 10,000s of pods is not throttled by
 * the clients' defaults (20 / 50 QPS). And a slower fake-kubelet heartbeat: kwok renews each
 * node's Lease every quarter of its duration, so 5,000 nodes at 40 s would be 500 Lease PUTs a
 * second on a 2-core machine; at 120 s (renewed every 30 s) the node lifecycle controller's
 * grace period is raised to match (180 s), or nodes would go NotReady between renewals. kwok
 * itself gets 16 workers (KWOK_LARGE) for pod and node stages and Lease renewals instead of 4.
 */
const LARGE = {
  'kube-apiserver': ['--max-requests-inflight=1600', '--max-mutating-requests-inflight=800'],
  'kube-controller-manager': ['--kube-api-qps=400', '--kube-api-burst=800', '--concurrent-deployment-syncs=20', '--concurrent-replicaset-syncs=20', '--concurrent-statefulset-syncs=10', '--concurrent-daemonset-syncs=10', '--node-monitor-grace-period=180s'],
  'kube-scheduler': ['--kube-api-qps=400', '--kube-api-burst=800'],
  kwok: ['--node-lease-duration-seconds=120'],
};
const KWOK_LARGE = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  podPlayStageParallelism: 16
  nodePlayStageParallelism: 16
  nodeLeaseParallelism: 16
`;
const READY_TIMEOUT_MS = Number(process.env.SDRAIN_KUBE_READY_TIMEOUT_MS ?? 180_000);

const say = (line) => process.stderr.write(`kube:up: ${line}\n`);

function parse() {
  const { values } = parseArgs({
    options: {
      'kubeconfig-out': { type: 'string' },
      port: { type: 'string' },
      'pod-startup-ms': { type: 'string' },
      'log-dir': { type: 'string' },
      large: { type: 'boolean' },
      'restart-crashed': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!values['kubeconfig-out']) throw new Error(`--kubeconfig-out is required\n${USAGE}`);
  const int = (name, v, min) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${v}"`);
    return Number(v);
  };
  return {
    kubeconfigOut: values['kubeconfig-out'],
    port: int('port', values.port, 1),
    podStartupMs: int('pod-startup-ms', values['pod-startup-ms'], 0) ?? 1000,
    logDir: values['log-dir'],
    large: values.large === true,
    restartCrashed: values['restart-crashed'] === true,
  };
}

/** A free TCP port on 127.0.0.1 (the kernel's choice for port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GET path on the apiserver; resolves with the status code (0 when it does not answer). */
function get(url, path, token, caPem) {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { ca: caPem, headers: { authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = parse();
  const bin = resolveBinary();
  const version = pinnedKubernetesVersion();
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-'));
  const children = [];
  let stopping = false;

  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    // The fake kubelet, the controllers and the apiserver first, etcd (their store) last.
    const stop = async (list) => {
      await Promise.all(
        list.map(async (c) => {
          if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
          c.proc.kill('SIGTERM');
          const killer = setTimeout(() => c.proc.kill('SIGKILL'), 10_000);
          await c.exited;
          clearTimeout(killer);
        }),
      );
    };
    await stop(children.filter((c) => c.name !== 'etcd'));
    await stop(children.filter((c) => c.name === 'etcd'));
    if (opts.logDir) {
      try {
        mkdirSync(opts.logDir, { recursive: true });
        cpSync(join(dir, 'logs'), opts.logDir, { recursive: true });
      } catch (err) {
        say(`could not copy logs to ${opts.logDir}: ${err.message}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // Whoever started us died without stopping us (e.g. a killed test runner): do not linger.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stopAll(1);
  }, 2000).unref();

  const logs = join(dir, 'logs');
  mkdirSync(logs);
  // A component stopped through the control endpoint (a fault test) is expected to be down.
  const start = (name, given) => {
    const args = opts.large && LARGE[name] && !given.includes(LARGE[name][0]) ? [...given, ...LARGE[name]] : given;
    const fd = openSync(join(logs, `${name}.log`), 'a');
    const proc = spawn(bin, [name, ...args], { cwd: dir, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve(signal ?? code)));
    const previous = children.findIndex((c) => c.name === name);
    const child = { name, proc, exited, args, expectedExit: false };
    if (previous >= 0) children[previous] = child;
    else children.push(child);
    void exited.then((how) => {
      // --restart-crashed (chaos runs): start a component that exited on its own again, as the
      // kubelet does for a static pod (kube-scheduler exits on purpose when it finds its cache
      // corrupted, e.g. after an apiserver kill).
      if (!stopping && !child.expectedExit && opts.restartCrashed) {
        say(`${name} exited unexpectedly (${how}); restarting it (--restart-crashed); last log lines:\n${tail(name)}`);
        setTimeout(() => {
          if (!stopping && children.find((c) => c.name === name) === child) start(name, given);
        }, 1000);
        return;
      }
      if (!stopping && !child.expectedExit) {
        say(`${name} exited unexpectedly (${how}); last log lines:\n${tail(name)}`);
        void stopAll(1);
      }
    });
    return child;
  };

  /**
   * Fault injection for the real-cluster tier's chaos runs, on 127.0.0.1 only and behind a
   * random path: POST <control>/stop/<component>[?signal=SIGKILL] stops a component (it stays
   * down), POST <control>/start/<component> starts it again with the same flags, GET
   * <control>/status names each component's state.
   */
  const controlSecret = randomBytes(16).toString('hex');
  const control = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [secret, verb, name] = url.pathname.split('/').filter(Boolean);
    const reply = (code, body) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (secret !== controlSecret) return reply(404, { error: 'not found' });
    if (req.method === 'GET' && verb === 'status') {
      return reply(200, Object.fromEntries(children.map((c) => [c.name, c.proc.exitCode === null && c.proc.signalCode === null ? 'running' : 'stopped'])));
    }
    const child = children.find((c) => c.name === name);
    if (req.method !== 'POST' || !child || (verb !== 'stop' && verb !== 'start')) return reply(400, { error: 'POST stop/<component> or start/<component>' });
    const running = child.proc.exitCode === null && child.proc.signalCode === null;
    if (verb === 'stop') {
      if (!running) return reply(409, { error: `${name} is not running` });
      child.expectedExit = true;
      const signal = url.searchParams.get('signal') === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM';
      child.proc.kill(signal);
      const how = await child.exited;
      say(`${name} stopped (${signal}: ${how}) through the control endpoint`);
      return reply(200, { name, stopped: String(how) });
    }
    if (running) return reply(409, { error: `${name} is running` });
    start(name, child.args);
    say(`${name} started again through the control endpoint`);
    return reply(200, { name, started: true });
  });
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
  control.unref();
  const controlUrl = `http://127.0.0.1:${control.address().port}/${controlSecret}`;
  const tail = (name) => {
    try {
      return readFileSync(join(logs, `${name}.log`), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '(no log)';
    }
  };

  try {
    const [etcdPort, peerPort, kcmPort, schedPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const apiPort = opts.port ?? (await freePort());
    const url = `https://127.0.0.1:${apiPort}`;
    const tls = await generateTls();
    writeFileSync(join(dir, 'ca.crt'), tls.caPem);
    writeFileSync(join(dir, 'apiserver.crt'), tls.certPem);
    writeFileSync(join(dir, 'apiserver.key'), tls.keyPem, { mode: 0o600 });
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));

    // One token per component; the admin's and kwok's in system:masters, the controller manager
    // and scheduler as the users Kubernetes' bootstrap RBAC roles are bound to.
    const tok = () => randomBytes(24).toString('hex');
    const tokens = { admin: tok(), kcm: tok(), scheduler: tok(), kwok: tok() };
    writeFileSync(
      join(dir, 'tokens.csv'),
      [
        `${tokens.admin},sdrain-admin,sdrain-admin,"system:masters"`,
        `${tokens.kcm},system:kube-controller-manager,system:kube-controller-manager`,
        `${tokens.scheduler},system:kube-scheduler,system:kube-scheduler`,
        `${tokens.kwok},sdrain-kwok,sdrain-kwok,"system:masters"`,
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    const kubeconfig = (name, token) => {
      const path = join(dir, `${name}.kubeconfig`);
      writeFileSync(path, buildKubeconfig({ url, caPem: tls.caPem, token, name: 'sdrain-kube' }), { mode: 0o600 });
      return path;
    };
    const adminKubeconfig = buildKubeconfig({ url, caPem: tls.caPem, token: tokens.admin, name: 'sdrain-kube' });

    const startupMs = opts.podStartupMs;
    const stages = readFileSync(join(KUBE_MODULE_DIR, 'kwok-stages.yaml'), 'utf8')
      .replaceAll('__DEFAULT_STARTUP_MS__', String(startupMs))
      .replaceAll('__KUBE_VERSION__', version)
      .replaceAll('__RUNNING_MS__', String(Math.floor(startupMs / 2)))
      .replaceAll('__READY_MS__', String(startupMs - Math.floor(startupMs / 2)));
    writeFileSync(join(dir, 'kwok-stages.yaml'), stages);
    if (opts.large) writeFileSync(join(dir, 'kwok-large.yaml'), KWOK_LARGE);

    start('etcd', [
      '--name=sdrain',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=sdrain=http://127.0.0.1:${peerPort}`,
      '--initial-cluster-state=new',
      // A throwaway test cluster: skip fsync (as kwokctl does) so a loaded CI disk stays fast.
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=8589934592',
      '--auto-compaction-retention=5m',
    ]);
    start('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
    ]);
    // The controllers need the API: wait for it before starting them, so their logs stay clean.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while ((await get(url, '/readyz', tokens.admin, tls.caPem)) !== 200) {
      if (Date.now() > deadline) throw new Error(`kube-apiserver not ready after ${READY_TIMEOUT_MS} ms; last log lines:\n${tail('kube-apiserver')}`);
      await sleep(250);
    }
    start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig('kube-controller-manager', tokens.kcm)}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kcmPort}`,
      '--leader-elect=false',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${join(dir, 'ca.crt')}`,
      `--cert-dir=${join(dir, 'kcm-certs')}`,
    ]);
    start('kube-scheduler', [
      `--kubeconfig=${kubeconfig('kube-scheduler', tokens.scheduler)}`,
      `--authentication-kubeconfig=${kubeconfig('kube-scheduler-authn', tokens.scheduler)}`,
      `--authorization-kubeconfig=${kubeconfig('kube-scheduler-authz', tokens.scheduler)}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${schedPort}`,
      '--leader-elect=false',
      `--cert-dir=${join(dir, 'scheduler-certs')}`,
    ]);
    start('kwok', [
      `--kubeconfig=${kubeconfig('kwok', tokens.kwok)}`,
      '--manage-all-nodes=true',
      '--cidr=10.244.0.0/16',
      // Nodes' and pods' addresses are never connected to: a documentation range (RFC 5737).
      '--node-ip=192.0.2.1',
      '--node-lease-duration-seconds=40',
      `--config=${join(dir, 'kwok-stages.yaml')}`,
      ...(opts.large ? [`--config=${join(dir, 'kwok-large.yaml')}`] : []),
    ]);
    while ((await get(url, '/api/v1/namespaces/default/serviceaccounts/default', tokens.admin, tls.caPem)) !== 200) {
      if (Date.now() > deadline) throw new Error(`the default ServiceAccount did not appear within ${READY_TIMEOUT_MS} ms; controller manager log:\n${tail('kube-controller-manager')}`);
      await sleep(250);
    }
    writeFileSync(opts.kubeconfigOut, adminKubeconfig, { mode: 0o600 });
    process.stdout.write(
      `kube:up ready at ${url} (Kubernetes ${version}: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok; kubeconfig ${opts.kubeconfigOut}; data ${dir}; control ${controlUrl}; Ctrl-C to stop)\n`,
    );
  } catch (err) {
    say(err.message);
    await stopAll(1);
  }
}

main().catch((err) => {
  process.stderr.write(`kube:up: ${err.message}\n`);
  process.exit(1);
});
