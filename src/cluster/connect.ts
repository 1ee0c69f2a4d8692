/**
 * Finds the cluster to talk to, the way kubectl does: --kubeconfig, else the KUBECONFIG list
 * (missing files skipped, first value wins when merging), else ~/.kube/config, else the
 * in-cluster service account. The environment is injected (no process.env here), and every
 * failure becomes an SdrainError whose text never holds headers, tokens or certificates (API
 * failures are translated by api-error.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError, InputError, SdrainError } from '../errors.js';
import { redact } from '../redact.js';

export interface ConnectOptions {
  /** --kubeconfig: one file, which must exist. */
  kubeconfig?: string;
  /** --context: a context name in the loaded configuration. */
  context?: string;
  env: Record<string, string | undefined>;
  /** Resolves a relative --kubeconfig; defaults to the process directory. */
  cwd?: string;
  /**
   * Where the in-cluster service-account token and ca.crt are read from. Default:
   * env SDRAIN_SERVICEACCOUNT_DIR, else /var/run/secrets/kubernetes.io/serviceaccount.
   */
  serviceAccountDir?: string;
}

export interface Connection {
  kc: KubeConfig;
  /** The API server URL of the current context, recorded in plans and snapshots. */
  server: string;
  /** The context used (for messages). */
  context: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loads the configuration and selects the context; does not contact the server. */
export function connect(opts: ConnectOptions): Connection {
  const kc = loadKubeConfig(opts);
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new SdrainError('USAGE', `Cannot use context "${opts.context}": it is not in the kubeconfig`, {
        hint: known.length > 0 ? `Known contexts: ${known.join(', ')}.` : 'The kubeconfig defines no context.',
      });
    }
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) {
    throw new SdrainError('USAGE', context ? `Cannot use context "${context}": it is not in the kubeconfig` : 'Cannot choose a cluster: the kubeconfig has no current context', {
      hint: 'Pass --context NAME, or set current-context in the kubeconfig.',
    });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server) {
    throw new SdrainError('USAGE', `Cannot use context "${context}": its cluster has no server address`, { hint: 'Fix the cluster entry in the kubeconfig.' });
  }
  return { kc, server: cluster.server, context };
}

function loadKubeConfig(opts: ConnectOptions): KubeConfig {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.kubeconfig !== undefined) {
    const file = isAbsolute(opts.kubeconfig) ? opts.kubeconfig : resolve(cwd, opts.kubeconfig);
    if (!existsSync(file)) throw new SdrainError('FILE_NOT_FOUND', `Cannot read kubeconfig ${opts.kubeconfig}: no such file`);
    return loadFiles([file]);
  }
  const list = (opts.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (list.length > 0) {
    const files = list.map((f) => (isAbsolute(f) ? f : resolve(cwd, f))).filter((f) => existsSync(f));
    if (files.length === 0) {
      throw new SdrainError('FILE_NOT_FOUND', `Cannot read kubeconfig: none of the KUBECONFIG files exist (${list.join(delimiter)})`);
    }
    return loadFiles(files);
  }
  const home = opts.env.HOME ?? opts.env.USERPROFILE;
  if (home && existsSync(join(home, '.kube', 'config'))) return loadFiles([join(home, '.kube', 'config')]);
  const host = opts.env.KUBERNETES_SERVICE_HOST;
  const port = opts.env.KUBERNETES_SERVICE_PORT;
  const saDir = opts.serviceAccountDir ?? (opts.env.SDRAIN_SERVICEACCOUNT_DIR || SA_DIR);
  if (host && port && existsSync(join(saDir, 'token'))) return inCluster(host, port, saDir);
  throw new ClusterError('Cannot find a Kubernetes configuration: no --kubeconfig, KUBECONFIG, ~/.kube/config or in-cluster service account', {
    code: 'CLUSTER_UNREACHABLE',
    hint: 'Pass --kubeconfig FILE (and --context NAME), or plan from a file with --snapshot FILE.',
  });
}

/** Merges files like client-go: the first file to define a name or current-context wins. */
function loadFiles(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current: string | undefined;
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromString(readFileSync(file, 'utf8'));
      one.makePathsAbsolute(dirname(file));
    } catch (err) {
      throw new InputError('INPUT_INVALID', `Cannot read kubeconfig ${file}`, [{ file, message: redact(safeMessage(err)) }]);
    }
    for (const c of one.clusters ?? []) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users ?? []) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.contexts ?? []) if (!contexts.has(c.name)) contexts.set(c.name, c);
    current ??= one.currentContext || undefined;
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current ?? '' });
  return kc;
}

/** The service-account configuration a pod gets, like client-go's rest.InClusterConfig. */
function inCluster(host: string, port: string, saDir: string): KubeConfig {
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const server = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: join(saDir, 'ca.crt'), skipTLSVerify: false }],
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(saDir, 'token') } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' }],
    currentContext: 'in-cluster',
  });
  return kc;
}

/** The first line of a kubeconfig parse error (the YAML parser's; it may quote the file, hence redact). */
function safeMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!;
}

