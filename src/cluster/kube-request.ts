/**
 * One raw JSON request to the API server with the kubeconfig's credentials and TLS settings.
 * Apply works on plain JSON objects (RFC 3339 strings, Status bodies intact), which the typed
 * client-node APIs would turn into classes with Dates and drop Status fields from.
 *
 * Transient failures are retried with exponential backoff (honouring Retry-After): connection
 * errors and 429/500/502/503/504 by default. That is safe because every request sdrain sends is
 * idempotent when repeated (GETs; strategic-merge patches of fixed values; deletes and evictions
 * with a UID precondition, whose repeat answers 404/409 once the first one worked; lease writes
 * that re-read on 409). Callers for which a status has a meaning (eviction's 429) narrow it.
 * Backoffs sleep on the injected clock and end at once on Ctrl-C (`signal`, `stopRetrying`).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { SdrainError } from '../errors.js';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Defaults to application/json when a body is sent. */
  contentType?: string;
  /** Aborts the request in flight and ends a backoff at once (RequestAborted is thrown). */
  signal?: AbortSignal;
  /**
   * Ends a backoff at once and stops retrying, but still sends the first attempt even when
   * already aborted: apply's requests after Ctrl-C (scaling a surge back) must go out once.
   */
  stopRetrying?: AbortSignal;
  /** What backoffs sleep on: the injected clock (default: real timers). */
  sleep?: Sleep;
  /** Retry policy; false sends once. Default: DEFAULT_RETRY. */
  retry?: RetryPolicy | false;
}

/** When and how often a request is repeated. */
export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** First backoff; doubles each retry up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** HTTP statuses that are retried. */
  statuses: readonly number[];
  /** Further say on a retryable status (e.g. eviction's "more than one PDB" 500 is final). */
  retryable?: (res: KubeResponse) => boolean;
}

/** About 20 s of trying in all: rides out a restarting API server or a short outage. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5000, statuses: [429, 500, 502, 503, 504] };

export interface KubeResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** The Retry-After header, when sent (no other header is kept: they may carry secrets). */
  retryAfter?: string;
}

/** Told about each retry (tests and progress output may count them). */
export type RetryListener = (info: { path: string; method: string; attempt: number; status?: number; error?: string; delayMs: number }) => void;

const retryListeners = new Set<RetryListener>();

/** Subscribes to retries made by kubeRequest; returns the unsubscribe function. */
export function onKubeRetry(listener: RetryListener): () => void {
  retryListeners.add(listener);
  return () => retryListeners.delete(listener);
}

/**
 * Waits ms, resolving early when the signal aborts (the caller then checks the signal): the
 * injected clock's sleep (`(ms, signal) => sleep(clock, ms, signal)`, src/clock.ts).
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real timers: the default when no clock is injected. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

/** Thrown when the signal stops a request or its retries (api-error.ts maps it to INTERRUPTED). */
export class RequestAborted extends Error {
  constructor(req: KubeRequest) {
    super(`${req.method} ${req.path} was interrupted`);
    this.name = 'AbortError';
  }
}

/** Retry-After in seconds (the only form the API server sends), as milliseconds. */
function retryAfterMs(res: KubeResponse): number | undefined {
  const v = res.retryAfter;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) * 1000 : undefined;
}

/**
 * Sends a request, retrying transient failures per `req.retry`; resolves with any HTTP status
 * (callers decide what an error is) and rejects with the last connection error.
 */
export async function kubeRequest(kc: KubeConfig, req: KubeRequest): Promise<KubeResponse> {
  const policy = req.retry === false ? undefined : (req.retry ?? DEFAULT_RETRY);
  const attempts = policy?.attempts ?? 1;
  const sleep = req.sleep ?? timerSleep;
  const stopped = () => req.signal?.aborted === true || req.stopRetrying?.aborted === true;
  for (let attempt = 1; ; attempt++) {
    if (req.signal?.aborted) throw new RequestAborted(req);
    let res: KubeResponse | undefined;
    let error: unknown;
    try {
      res = await sendOnce(kc, req);
    } catch (err) {
      if (req.signal?.aborted) throw new RequestAborted(req);
      error = err;
    }
    const retry =
      policy !== undefined &&
      attempt < attempts &&
      (res === undefined || (policy.statuses.includes(res.status) && (policy.retryable?.(res) ?? true)));
    if (!retry) {
      if (res) return res;
      throw error;
    }
    if (stopped()) throw new RequestAborted(req);
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.min(policy.maxDelayMs, Math.max(backoff, res ? (retryAfterMs(res) ?? 0) : 0));
    for (const l of retryListeners) l({ path: req.path, method: req.method, attempt, status: res?.status, error: errorName(error), delayMs });
    const wake = req.signal && req.stopRetrying ? AbortSignal.any([req.signal, req.stopRetrying]) : (req.signal ?? req.stopRetrying);
    await sleep(delayMs, wake);
    if (stopped()) throw new RequestAborted(req);
  }
}

/** A connection error's code (never its message, which may quote the URL). */
function errorName(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
}

/**
 * One keep-alive agent per KubeConfig (apply-cost helper): client-node builds a new agent, so a
 * new TLS connection, for every request — about 4× the latency and CPU of reusing one. The TLS
 * options (CA, client certificate) come from the first agent; credentials in headers are still
 * read per request. Idle sockets do not keep the process alive (the agent unrefs them).
 */
const agents = new WeakMap<KubeConfig, http.Agent>();
function keepAliveAgent(kc: KubeConfig, fresh: http.Agent | undefined): http.Agent | undefined {
  if (!(fresh instanceof https.Agent)) return fresh;
  let agent = agents.get(kc);
  if (!agent) {
    agent = new https.Agent({ ...fresh.options, keepAlive: true });
    agents.set(kc, agent);
  }
  fresh.destroy();
  return agent;
}

async function sendOnce(kc: KubeConfig, req: KubeRequest): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new SdrainError('USAGE', 'Cannot send a request: the kubeconfig has no current cluster', { hint: 'Pass --context NAME, or set current-context in the kubeconfig.' });
  const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const init = (await kc.applyToFetchOptions({})) as { agent?: http.Agent; headers?: Headers };
  init.agent = keepAliveAgent(kc, init.agent);
  const headers: Record<string, string> = { Accept: 'application/json' };
  init.headers?.forEach((value, key) => {
    headers[key] = value;
  });
  let payload: string | undefined;
  if (req.body !== undefined) {
    payload = JSON.stringify(req.body);
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const isHttps = url.protocol === 'https:';
  const mod = isHttps ? https : http;
  return new Promise<KubeResponse>((resolve, reject) => {
    const request = mod.request(
      url,
      { method: req.method, headers, agent: isHttps ? (init.agent as https.Agent | undefined) : undefined, signal: req.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(Object.assign(new Error('the connection was reset while reading the response'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          const ra = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, body, ...(typeof ra === 'string' ? { retryAfter: ra } : {}) });
        });
      },
    );
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
