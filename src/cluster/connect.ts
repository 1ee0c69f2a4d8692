/**
 * Finds the cluster to talk to, the way kubectl does: --kubeconfig, else the KUBECONFIG list
 * (missing files skipped, first value wins when merging), else ~/.kube/config, else the
 * in-cluster service account. The environment is injected (no process.env here), and every
 * failure becomes an SdrainError whose text never holds headers, tokens or certificates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError, InputError, SdrainError } from '../errors.js';
import { forbiddenHint } from './access-review.js';

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
      throw new InputError('INPUT_INVALID', `Cannot read kubeconfig ${file}`, [{ file, message: safeMessage(err) }]);
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

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is not trusted',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not match its address',
};

/**
 * Translates anything an API call threw — client-node's ApiException (which carries response
 * headers), a `{ code: number, body }` response, a socket/TLS error — into a ClusterError
 * "Cannot <action> <object>: <what the server said>". Only the Status message and reason are
 * kept; headers, tokens and raw library messages never reach the user.
 */
export function toClusterError(err: unknown, action: string, object?: string): SdrainError {
  if (err instanceof SdrainError) return err;
  const subject = `${action}${object ? ` ${object}` : ''}`;
  const e = err as { name?: string; code?: unknown; body?: unknown; cause?: unknown; statusCode?: unknown } | null;
  if (e?.name === 'AbortError') return new SdrainError('INTERRUPTED', `Interrupted while trying to ${subject}`);
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 100 && status < 600) {
    const st = parseStatus(e?.body);
    // client-node's ApiException puts the generated response description on its "Message:" line.
    const described = /^HTTP-Code: \d+\nMessage: (.+)$/m.exec(err instanceof Error ? err.message : '')?.[1];
    const generic = described && described !== 'Unknown API Status Code!' ? described : undefined;
    const detail = st.message ?? generic ?? `the server answered HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
    return new ClusterError(`Cannot ${subject}: ${redact(detail)}`, { status, reason: st.reason, object, hint: status === 403 ? forbiddenHint(st.message, 'plan') : hintFor(status) });
  }
  const code = connectionCode(err);
  if (code !== undefined) {
    return new ClusterError(`Cannot ${subject}: cannot reach the API server (${CONNECTION_CODES[code] ?? code})`, {
      code: 'CLUSTER_UNREACHABLE',
      object,
      hint: code.includes('CERT') ? 'Check certificate-authority in the kubeconfig.' : 'Check that the API server is running and reachable from here.',
    });
  }
  return new ClusterError(`Cannot ${subject}: ${redact(safeMessage(err))}`, { object });
}

function parseStatus(body: unknown): { message?: string; reason?: string } {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return {};
    }
  }
  if (typeof b !== 'object' || b === null) return {};
  const s = b as { message?: unknown; reason?: unknown };
  return { message: typeof s.message === 'string' ? s.message : undefined, reason: typeof s.reason === 'string' ? s.reason : undefined };
}

function hintFor(status: number): string | undefined {
  if (status === 401) return 'The kubeconfig credentials were rejected: log in again or refresh the token.';
  if (status === 403) return 'The kubeconfig user lacks RBAC permission for this; ask for read access to the resources sdrain lists.';
  if (status === 429 || status >= 500) return 'The API server is overloaded or failing: try again shortly.';
  return undefined;
}

function connectionCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (e.code in CONNECTION_CODES || /^E[A-Z]+$/.test(e.code) || e.code.includes('CERT'))) return e.code;
  }
  return undefined;
}

function safeMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // client-node's ApiException message appends "Headers: {...}": never show that part.
  return msg.split('\nHeaders:')[0]!.split('\n')[0]!;
}

/** Removes anything that looks like a credential from a message. */
export function redact(text: string): string {
  return text
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 <redacted>')
    .replace(/((?:token|password|secret|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1<redacted>')
    .replace(/(https?:\/\/)[^/@\s]+@/gi, '$1<redacted>@');
}
