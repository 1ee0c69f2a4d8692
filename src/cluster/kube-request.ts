/**
 * One raw JSON request to the API server with the kubeconfig's credentials and TLS settings.
 * Apply works on plain JSON objects (RFC 3339 strings, Status bodies intact), which the typed
 * client-node APIs would turn into classes with Dates and drop Status fields from.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Defaults to application/json when a body is sent. */
  contentType?: string;
  signal?: AbortSignal;
}

export interface KubeResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/** Sends a request; resolves with any HTTP status (callers decide what an error is). */
export async function kubeRequest(kc: KubeConfig, req: KubeRequest): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const init = (await kc.applyToFetchOptions({})) as { agent?: http.Agent; headers?: Headers };
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
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
