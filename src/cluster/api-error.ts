/**
 * The one translator of API and network failures, used by plan, snapshot, apply, uncordon and
 * unlock alike: anything a request threw or answered — client-node's ApiException (which carries
 * response headers), a raw response `{ status, body }`, a socket or TLS error, an interruption —
 * becomes "Cannot <action> <object>: <what happened>" with the status, the Status reason, the
 * object, the missing permission (403) and whether trying again may help. Only the Status
 * message and reason are kept: headers, tokens and raw library messages never reach the user
 * (an unknown failure keeps its error only as `cause`, shown with SDRAIN_DEBUG set).
 */
import { STATUS_CODES } from 'node:http';
import { ClusterError, SdrainError } from '../errors.js';
import { redact } from '../redact.js';
import type { RbacScope } from '../rbac/rules.js';
import { deniedPermission, forbiddenHint } from './access-review.js';
import type { KubeResponse } from './kube-request.js';

/** What was being done when the failure happened, for the message. */
export interface ApiCall {
  /** The verb phrase: "list", "patch", "evict", "list Node objects". */
  action: string;
  /** The object, e.g. `Pod "shop/api-7d9"`. */
  object?: string;
  /** Which `sdrain rbac --for` role a 403 hint points to (default: apply). */
  scope?: RbacScope;
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

/** A non-2xx answer as an error (the same text as the thrown form of the same status). */
export function responseError(res: KubeResponse, call: ApiCall): ClusterError {
  return toClusterError({ code: res.status, body: res.body }, call) as ClusterError;
}

/**
 * Translates anything an API call threw into an SdrainError: a ClusterError (CLUSTER_ERROR with
 * a status, CLUSTER_UNREACHABLE without one), INTERRUPTED for an aborted request, or the
 * SdrainError itself when it already is one.
 */
export function toClusterError(err: unknown, call: ApiCall): SdrainError {
  if (err instanceof SdrainError) return err;
  const subject = `${call.action}${call.object ? ` ${call.object}` : ''}`;
  const e = err as { name?: string; code?: unknown; body?: unknown; cause?: unknown; statusCode?: unknown } | null;
  if (e?.name === 'AbortError') return new SdrainError('INTERRUPTED', `Interrupted while trying to ${subject}`);
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 100 && status < 600) {
    const st = parseStatus(e?.body);
    // client-node's ApiException puts the generated response description on its "Message:" line.
    const described = /^HTTP-Code: \d+\nMessage: (.+)$/m.exec(err instanceof Error ? err.message : '')?.[1];
    const generic = described && described !== 'Unknown API Status Code!' ? described : undefined;
    const detail = st.message ?? generic ?? `the server answered HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
    return new ClusterError(`Cannot ${subject}: ${redact(detail)}`, {
      status,
      reason: st.reason,
      object: call.object,
      permission: status === 403 ? deniedPermission(st.message) : undefined,
      retryable: status === 429 || status >= 500,
      hint: status === 403 ? forbiddenHint(st.message, call.scope) : hintFor(status),
    });
  }
  const code = connectionCode(err);
  if (code !== undefined) {
    const tls = code.includes('CERT');
    return new ClusterError(`Cannot ${subject}: cannot reach the API server (${CONNECTION_CODES[code] ?? code})`, {
      code: 'CLUSTER_UNREACHABLE',
      object: call.object,
      retryable: !tls,
      hint: tls ? 'Check certificate-authority in the kubeconfig.' : 'Check that the API server is running and reachable from here.',
      cause: err,
    });
  }
  // Neither an answer nor a known network failure (an exec credential plugin, a library bug):
  // its message may hold anything, so only its kind is shown.
  const kind = err instanceof Error && err.name && err.name !== 'Error' ? ` (${err.name})` : '';
  return new ClusterError(`Cannot ${subject}: the request failed before the API server answered${kind}`, {
    code: 'CLUSTER_UNREACHABLE',
    object: call.object,
    hint: 'Check the kubeconfig credentials (token, certificates, exec plugin); run with SDRAIN_DEBUG=1 to see the underlying error.',
    cause: err,
  });
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
  if (status === 429 || status >= 500) return 'The API server is overloaded or failing: try again shortly.';
  return undefined;
}

function connectionCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (e.code in CONNECTION_CODES || /^E[A-Z]+$/.test(e.code) || e.code.includes('CERT'))) return e.code;
  }
  return undefined;
}
