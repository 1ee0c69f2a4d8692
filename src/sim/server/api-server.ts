/**
 * The simulator's HTTPS front: bearer-token auth, routing of Kubernetes REST paths to the
 * resource handlers, discovery, request counting, and tracking of every socket and watch so
 * stop() really closes everything. Replies are always JSON whatever the Accept header asks
 * (kubectl asks for protobuf first and copes).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SdrainError } from '../../errors.js';
import type { MemoryStore } from '../store/memory-store.js';
import { resourceFor, type ResourceInfo } from './resources.js';
import { coreDiscovery, groupDiscovery, groupsDiscovery, resourceList } from './discovery.js';
import { ApiError, statusBody } from './status.js';
import { startWatch, type ActiveWatch } from './watch.js';
import { wantsTable } from './table.js';
import { createFaultInjector, type FaultInjector } from './faults.js';
import { decodeReviewProtobuf } from './authz-protobuf.js';
import { parseBody, readBody } from './request-body.js';
import { CONTAINER_SUBRESOURCES, noContainers } from './pod-containers.js';
import { openApiDocument, schemaSetOnce } from './openapi.js';
import { fieldChecker, fieldValidationOf } from './field-validation.js';
import { attributesOf, authorize, forbidden, selfSubjectAccessReview, selfSubjectRulesReview, tokenRequest, TokenRegistry } from './authz.js';
import type { FaultConfig, FaultVerb } from '../faults/fault-config.js';
import {
  createObject, deleteCollection, deleteOne, evict, getOne, listObjects, patchObject, requestFilter, updateObject,
  type Reply, type ResourceRequest,
} from './resource-handlers.js';

/** The verbs requests are counted under (Kubernetes audit verbs, plus discovery and other). */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'discovery' | 'other';

/** Requests served since start, for benchmarks. */
export interface RequestCount {
  total: number;
  byVerb: Partial<Record<Verb, number>>;
}

/** What the server needs: the store, the token clients must send, and the TLS key pair. */
export interface ApiServerOptions {
  store: MemoryStore;
  token: string;
  key: string;
  cert: string;
  port?: number;
  /** Progress bookmarks on idle watches that asked for them; 0 disables. */
  bookmarkIntervalMs?: number;
  /** Reported by /version. */
  gitVersion?: string;
  /** Injected faults (src/sim/server/faults.ts); none when absent. */
  faults?: FaultConfig;
  /** Further bearer tokens (ServiceAccounts, users); `token` is always the admin. */
  tokens?: TokenRegistry;
  /** Enforce RBAC on every token but the admin's (./authz.ts). Default false: any valid token may do anything. */
  rbac?: boolean;
}

/** A running server; stop() ends every watch and connection. */
export interface ApiServer {
  url: string;
  port: number;
  requestCount(): RequestCount;
  /** Faults injected so far, by kind (empty without a fault config). */
  faultCounts(): Record<string, number>;
  stop(): Promise<void>;
}

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string | number | string[]> = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' };
  // RFC 7234 warn-code 299, as the API server sends them (kubectl prints "Warning: <text>").
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

interface Route {
  res: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Splits `/api/v1/...` or `/apis/g/v/...` into resource, namespace, name, subresource. */
function route(group: string, version: string, segs: string[]): Route | undefined {
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    const res = resourceFor(group, version, segs[2]!);
    if (res && res.namespaced) {
      if (segs.length > 5) return undefined;
      return { res, namespace: segs[1], name: segs[3], subresource: segs[4] };
    }
  }
  const res = resourceFor(group, version, segs[0] ?? '');
  if (!res || segs.length > 3) return undefined;
  return { res, name: segs[1], subresource: segs[2] };
}

/** The verb a routed request is counted under, for fault matching. */
function faultVerb(method: string, named: boolean, watch: boolean, subresource: string | undefined): FaultVerb | undefined {
  if (subresource === 'eviction') return 'create';
  if (method === 'GET') return named ? 'get' : watch ? 'watch' : 'list';
  if (method === 'POST') return named ? undefined : 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  return undefined;
}

/** Starts the HTTPS API server on 127.0.0.1 and resolves once it listens. */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { store } = opts;
  const tokens = opts.tokens ?? new TokenRegistry(opts.token);
  const counts: RequestCount = { total: 0, byVerb: {} };
  const count = (v: Verb) => {
    counts.byVerb[v] = (counts.byVerb[v] ?? 0) + 1;
  };
  const sockets = new Set<Socket>();
  const watches = new Set<ActiveWatch>();
  let stopping = false;
  const faults: FaultInjector | undefined = opts.faults
    ? createFaultInjector(opts.faults, store, () => {
        for (const s of sockets) s.destroy();
      })
    : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counts.total++;
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const accept = String(req.headers.accept ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const who = tokens.authenticate(req.headers.authorization);
    if (!who) {
      count('other');
      req.resume();
      send(res, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      return;
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const segs = path.split('/').filter(Boolean);

    // Non-resource endpoints.
    if (method === 'GET') {
      if (path === '/version') {
        count('discovery');
        send(res, 200, { major: '1', minor: '35', gitVersion: opts.gitVersion ?? 'v1.35.0-sdrain-sim', gitCommit: '', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.25', compiler: 'gc', platform: 'linux/amd64' });
        return;
      }
      if (path === '/healthz' || path === '/readyz' || path === '/livez') {
        count('other');
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
        count('discovery');
        const doc = await openApiDocument(path, accept);
        if (doc === undefined) throw new ApiError('NotFound', 'the server could not find the requested resource');
        send(res, 200, doc.body, doc.contentType);
        return;
      }
      if (path === '/api') {
        count('discovery');
        const d = coreDiscovery(accept);
        send(res, 200, d.body, d.contentType);
        return;
      }
      if (path === '/apis') {
        count('discovery');
        const d = groupsDiscovery(accept);
        send(res, 200, d.body, d.contentType);
        return;
      }
      if (segs[0] === 'api' && segs.length === 2) {
        count('discovery');
        const d = resourceList('', segs[1]!);
        if (d) send(res, 200, d);
        else throw new ApiError('NotFound', 'the server could not find the requested resource');
        return;
      }
      if (segs[0] === 'apis' && segs.length === 2) {
        count('discovery');
        const d = groupDiscovery(segs[1]!);
        if (d) send(res, 200, d);
        else throw new ApiError('NotFound', 'the server could not find the requested resource');
        return;
      }
      if (segs[0] === 'apis' && segs.length === 3) {
        count('discovery');
        const d = resourceList(segs[1]!, segs[2]!);
        if (d) send(res, 200, d);
        else throw new ApiError('NotFound', 'the server could not find the requested resource');
        return;
      }
    }

    let r: Route | undefined;
    if (segs[0] === 'api' && segs.length >= 3) r = route('', segs[1]!, segs.slice(2));
    else if (segs[0] === 'apis' && segs.length >= 4) r = route(segs[1]!, segs[2]!, segs.slice(3));
    if (!r) {
      count('other');
      req.resume();
      throw new ApiError('NotFound', 'the server could not find the requested resource');
    }
    if (r.res.plural === 'pods' && r.name !== undefined && r.subresource !== undefined && CONTAINER_SUBRESOURCES.has(r.subresource)) {
      count('other');
      req.resume();
      throw noContainers(store, r.namespace!, r.name, r.subresource);
    }
    const allowedSub = r.subresource === undefined || (r.res.subresources as string[]).includes(r.subresource);
    if (!allowedSub) {
      count('other');
      req.resume();
      throw new ApiError('NotFound', 'the server could not find the requested resource');
    }
    if (r.res.namespaced && r.namespace === undefined && !(method === 'GET' && r.name === undefined)) {
      count('other');
      req.resume();
      throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    // Authorization (RBAC when enabled), then the APIs that act on the caller's own identity.
    if (opts.rbac) {
      const attrs = attributesOf(r.res, method, r, url.searchParams);
      const ownReview = (r.res.plural === 'selfsubjectaccessreviews' || r.res.plural === 'selfsubjectrulesreviews') && attrs.verb === 'create';
      if (!ownReview && !authorize(store, who, attrs).allowed) {
        count('other');
        req.resume();
        throw forbidden(who, attrs);
      }
    }
    if (r.res.plural === 'selfsubjectaccessreviews' || r.res.plural === 'selfsubjectrulesreviews' || (r.res.plural === 'serviceaccounts' && r.subresource === 'token')) {
      if (method !== 'POST' || (r.subresource === 'token' && r.name === undefined) || (r.subresource === undefined && r.name !== undefined)) {
        count('other');
        req.resume();
        throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
      }
      count('create');
      const raw = await readBody(req);
      const body = contentType.toLowerCase().includes('protobuf')
        ? decodeReviewProtobuf(raw, r.subresource === 'token' ? 'TokenRequest' : r.res.kind === 'SelfSubjectRulesReview' ? 'SelfSubjectRulesReview' : 'SelfSubjectAccessReview')
        : parseBody(raw, contentType, method);
      const reply =
        r.subresource === 'token'
          ? tokenRequest(store, tokens, r.namespace!, r.name!, body)
          : r.res.kind === 'SelfSubjectRulesReview'
            ? selfSubjectRulesReview(store, who, body, opts.rbac === true)
            : selfSubjectAccessReview(store, who, body, opts.rbac === true);
      send(res, reply.code, reply.body);
      return;
    }
    if (faults) {
      const isWatchReq = method === 'GET' && r.name === undefined && ['true', '1'].includes(url.searchParams.get('watch') ?? '');
      const verb = faultVerb(method, r.name !== undefined, isWatchReq, r.subresource);
      const rv = url.searchParams.get('resourceVersion');
      if (verb && (await faults.before({ verb, resource: r.res.plural, namespace: r.namespace, name: r.name, subresource: r.subresource, resumes: !!rv && rv !== '0', req, res }))) return;
    }
    const raw = await readBody(req);
    const warnings: string[] = [];
    const directive = method === 'POST' || method === 'PUT' || method === 'PATCH' ? fieldValidationOf(url.searchParams) : undefined;
    const rr: ResourceRequest = {
      method, res: r.res, namespace: r.namespace, name: r.name, subresource: r.subresource, query: url.searchParams, accept, contentType,
      body: parseBody(raw, contentType, method),
      ...(directive === 'Strict' || directive === 'Warn' ? { checkFields: fieldChecker(await schemaSetOnce(), r.res, directive, warnings) } : {}),
    };
    const isWatch = rr.query.get('watch') === 'true' || rr.query.get('watch') === '1';
    let reply: Reply | undefined;
    if (rr.subresource === 'eviction') {
      if (method !== 'POST') throw new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
      count('create');
      reply = evict(store, rr);
    } else if (method === 'GET' && rr.name === undefined) {
      if (isWatch) {
        count('watch');
        if (stopping) throw new ApiError('InternalError', 'the server is shutting down');
        const tsText = rr.query.get('timeoutSeconds');
        let active: ActiveWatch | undefined;
        active = startWatch(
          store,
          {
            res: rr.res,
            namespace: rr.namespace,
            matches: requestFilter(rr),
            resourceVersion: rr.query.get('resourceVersion'),
            allowWatchBookmarks: rr.query.get('allowWatchBookmarks') === 'true',
            sendInitialEvents: rr.query.get('sendInitialEvents') === 'true',
            noInitialEvents: rr.query.get('sendInitialEvents') === 'false',
            timeoutSeconds: tsText && /^\d+$/.test(tsText) ? Number(tsText) : undefined,
            table: wantsTable(accept),
          },
          res,
          { now: () => store.clock.now(), bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 30_000 },
          () => {
            if (active) watches.delete(active);
          },
        );
        watches.add(active);
        faults?.watchStarted(res, () => active?.close());
        return;
      }
      count('list');
      reply = listObjects(store, rr);
    } else if (method === 'GET') {
      count('get');
      reply = getOne(store, rr);
    } else if (method === 'POST' && rr.name === undefined) {
      count('create');
      reply = createObject(store, rr);
    } else if (method === 'PUT' && rr.name !== undefined) {
      count('update');
      reply = updateObject(store, rr);
    } else if (method === 'PATCH' && rr.name !== undefined) {
      count('patch');
      reply = patchObject(store, rr);
    } else if (method === 'DELETE' && rr.name !== undefined && rr.subresource === undefined) {
      count('delete');
      reply = deleteOne(store, rr);
    } else if (method === 'DELETE' && rr.name === undefined) {
      count('deletecollection');
      reply = deleteCollection(store, rr);
    } else {
      count('other');
      throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    send(res, reply.code, reply.body, reply.contentType, warnings);
  };

  const server: Server = createServer({ key: opts.key, cert: opts.cert }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const { code, body } = statusBody(err);
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, code, body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connection', (s: Socket) => {
    if (faults?.refuseConnection()) s.destroy();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new SdrainError('USAGE', `Cannot listen on 127.0.0.1:${opts.port ?? 0}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}`, {
              hint: 'Choose another --port, or 0 for any free port.',
            })
          : err,
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.removeAllListeners('error');
      // Later server-level errors have no caller to go to; sockets fail on their own.
      server.on('error', () => {});
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requestCount: () => ({ total: counts.total, byVerb: { ...counts.byVerb } }),
    faultCounts: () => faults?.counts() ?? {},
    async stop() {
      stopping = true;
      faults?.stop();
      for (const w of [...watches]) w.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
