/**
 * The in-process entry to a simulated cluster: loads objects into a MemoryStore, starts the
 * controllers and the HTTPS API server, and hands back what a client needs (URL, kubeconfig,
 * token, CA). Used by `sdrain sim`, the test harness and the demo.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../model/k8s.js';
import type { Diagnostic } from '../errors.js';
import type { Clock } from './store/types.js';
import { MemoryStore } from './store/memory-store.js';
import { startApiServer, type RequestCount } from './server/api-server.js';
import { generateTls } from './tls.js';
import { buildKubeconfig } from './kubeconfig.js';
import { loadObjects, prepareObjects } from './load-objects.js';
import type { FaultConfig } from './faults/fault-config.js';
import { serviceAccountIdentity, TokenRegistry, type Identity } from './server/authz.js';

export interface SimulatorOptions {
  /** Objects to start with (as `kubectl get -o json` items). */
  objects?: KubeObject[];
  /** Or the text of a dump file (YAML or JSON); `file` names it in error messages. */
  text?: string;
  file?: string;
  /** 0 or undefined: any free port. Always 127.0.0.1. */
  port?: number;
  /** Time from a pod being bound until it is Running and Ready. Default 1000 ms. */
  podStartupMs?: number;
  /**
   * Cap on how long a deleted pod takes to go, ms. Default: none — a pod stays terminating for
   * its whole grace period, as on a kubelet whose containers use it. Demos and fast tests set 1000.
   */
  maxTerminationMs?: number;
  /** Seed for generated names and uids. Default 1. */
  seed?: number;
  clock?: Clock;
  /** Start the simulated controllers (default true); false gives a passive API server. */
  controllers?: boolean;
  /** Progress bookmarks on watches that allow them. Default 30 s. */
  bookmarkIntervalMs?: number;
  /** Seeded fault injection (src/sim/faults/fault-config.ts); none when absent. */
  faults?: FaultConfig;
  /**
   * Enforce RBAC (ClusterRoles, Roles and their bindings stored in the simulator) on every
   * token except the admin's. Default false: every valid token may do anything.
   */
  rbac?: boolean;
}

/** Whom a minted token stands for: a ServiceAccount (`namespace/name`) or a user. */
export type SimSubject = { serviceAccount: string } | { user: string; groups?: string[] };

/** A restricted identity's credentials. */
export interface SimCredentials {
  /** The user name RBAC sees, e.g. `system:serviceaccount:ops:sdrain`. */
  user: string;
  token: string;
  /** YAML text of a kubeconfig using the token. */
  kubeconfig: string;
}

export interface Simulator {
  url: string;
  /** YAML text of a kubeconfig for this simulator. */
  kubeconfig: string;
  token: string;
  caPem: string;
  store: MemoryStore;
  /** Repairs and skips made while loading (implicit namespaces are not listed). */
  warnings: Diagnostic[];
  requestCount(): RequestCount;
  /** Faults injected so far, by kind. */
  faultCounts(): Record<string, number>;
  /** Mints a token for a ServiceAccount or user (restricted by RBAC when `rbac` is on). */
  credentials(subject: SimSubject): SimCredentials;
  /** Stops controllers and the server, closing every connection and watch stream. */
  stop(): Promise<void>;
}

/** Starts a simulator. Throws InputError when `text` cannot be used. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const file = opts.file ?? '<objects>';
  const loaded = opts.text !== undefined ? loadObjects(opts.text, file) : prepareObjects(opts.objects ?? [], file);
  const store = new MemoryStore({ clock: opts.clock, seed: opts.seed ?? 1 });
  for (const o of loaded.objects) store.load(o);
  const tls = await generateTls(new Date());
  const token = randomBytes(24).toString('hex');
  const tokens = new TokenRegistry(token);
  const server = await startApiServer({
    store, token, tokens, rbac: opts.rbac === true, key: tls.keyPem, cert: tls.certPem, port: opts.port, bookmarkIntervalMs: opts.bookmarkIntervalMs, faults: opts.faults,
  });
  // Loaded lazily so a passive simulator (controllers: false) does not depend on them at all.
  const controllers =
    opts.controllers === false ? { stop() {} } : (await import('./controllers/index.js')).startControllers(store, { podStartupMs: opts.podStartupMs ?? 1000, ...(opts.maxTerminationMs !== undefined ? { maxTerminationMs: opts.maxTerminationMs } : {}) });
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    kubeconfig: buildKubeconfig({ url: server.url, caPem: tls.caPem, token }),
    token,
    caPem: tls.caPem,
    store,
    warnings: loaded.warnings,
    requestCount: () => server.requestCount(),
    faultCounts: () => server.faultCounts(),
    credentials(subject) {
      let identity: Identity;
      if ('serviceAccount' in subject) {
        const [ns, name, ...rest] = subject.serviceAccount.split('/');
        if (!ns || !name || rest.length > 0) throw new Error(`serviceAccount must be "namespace/name", not "${subject.serviceAccount}"`);
        identity = serviceAccountIdentity(ns, name);
      } else identity = { user: subject.user, groups: subject.groups ?? [] };
      const t = tokens.mint(identity);
      return { user: identity.user, token: t, kubeconfig: buildKubeconfig({ url: server.url, caPem: tls.caPem, token: t }) };
    },
    stop() {
      stopped ??= (async () => {
        controllers.stop();
        await server.stop();
      })();
      return stopped;
    },
  };
}
