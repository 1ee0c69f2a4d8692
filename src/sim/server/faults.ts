/**
 * Fault injection for the simulator's API server (a small middleware; the config is in
 * src/sim/faults/fault-config.ts, documented in src/sim/FIDELITY.md). Injected errors answer
 * before the request reaches the store, so an injected failure never half-applies a write;
 * every random choice comes from one seeded generator.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../model/k8s.js';
import type { MemoryStore } from '../store/memory-store.js';
import { mulberry32 } from '../store/seeded-random.js';
import type { FaultCode, FaultConfig, FaultVerb } from '../faults/fault-config.js';
import { startScenarioActors } from '../faults/scenario-actors.js';

/** What the server knows about a routed resource request when the injector sees it. */
export interface FaultRequest {
  verb: FaultVerb;
  /** Plural resource name, e.g. "pods". */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** For watches: whether the client resumes from a resourceVersion (410 only makes sense then). */
  resumes: boolean;
  req: IncomingMessage;
  res: ServerResponse;
}

export interface FaultInjector {
  /** Whether a new connection is to be reset now (an "unreachable" window); counts it. */
  refuseConnection(): boolean;
  /** Called once per routed request; true when the injector answered or dropped it. */
  before(r: FaultRequest): Promise<boolean>;
  /** Called after a watch stream started; may schedule its break or end. */
  watchStarted(res: ServerResponse, close: () => void): void;
  /** How many faults of each kind were injected so far. */
  counts(): Record<string, number>;
  stop(): void;
}

const REASONS: Record<FaultCode, { reason: string; message: string }> = {
  409: { reason: 'Conflict', message: 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again' },
  429: { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' },
  500: { reason: 'InternalError', message: 'an error on the server ("injected fault") has prevented the request from succeeding' },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' },
};

function sendStatus(res: ServerResponse, code: number, reason: string, message: string, retryAfter?: number): void {
  const text = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(retryAfter ? { details: { retryAfterSeconds: retryAfter } } : {}) });
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' };
  if (retryAfter) headers['Retry-After'] = String(retryAfter);
  res.writeHead(code, headers);
  res.end(text);
}

/**
 * Builds the injector and starts the scenario actors. `dropConnections` is called when an
 * unreachable window opens, to reset the connections already open.
 */
export function createFaultInjector(cfg: FaultConfig, store: MemoryStore, dropConnections: () => void): FaultInjector {
  const random = mulberry32(cfg.seed ?? 1);
  const start = store.clock.now();
  const tally: Record<string, number> = {};
  const count = (what: string) => {
    tally[what] = (tally[what] ?? 0) + 1;
  };
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const elapsed = () => store.clock.now() - start;
  const inWindow = (fromMs: number, forMs: number | undefined) => elapsed() >= fromMs && (forMs === undefined || elapsed() < fromMs + forMs);
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const applies = (verbs: FaultVerb[] | undefined, verb: FaultVerb) => verbs === undefined || verbs.includes(verb);

  for (const w of cfg.unreachable ?? []) {
    later(() => {
      count('unreachable-window');
      dropConnections();
    }, Math.max(0, w.fromMs - elapsed()));
  }
  const actors = startScenarioActors(store, cfg, count);

  const unreachable = () => (cfg.unreachable ?? []).some((w) => inWindow(w.fromMs, w.forMs));

  return {
    refuseConnection() {
      if (!unreachable()) return false;
      count('connection-reset');
      return true;
    },
    async before(r) {
      if (unreachable()) {
        count('connection-reset');
        r.req.socket.destroy();
        return true;
      }
      const delays = (cfg.latency ?? []).filter((l) => applies(l.verbs, r.verb));
      let delay = 0;
      for (const l of delays) delay += between(l.minMs, l.maxMs);
      if (delay > 0) {
        count('latency');
        await new Promise((resolve) => later(() => resolve(undefined), delay));
      }
      if (r.subresource === 'eviction' && r.namespace !== undefined && r.name !== undefined) {
        const pod = store.get<Pod>('Pod', r.namespace, r.name);
        const stuck = (cfg.scenarios?.stuckEvictions ?? []).find(
          (s) => s.namespace === r.namespace && inWindow(s.fromMs, s.forMs) && Object.entries(s.labels ?? {}).every(([k, v]) => pod?.metadata.labels?.[k] === v),
        );
        if (stuck && pod) {
          count('eviction-stuck');
          r.req.resume();
          // Like the API server for a PDB violation: 429 without Retry-After.
          sendStatus(r.res, 429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.');
          return true;
        }
      }
      for (const e of cfg.errors ?? []) {
        if (!applies(e.verbs, r.verb)) continue;
        const roll = random();
        if (roll >= e.rate) continue;
        const codes = (e.codes ?? [500, 503, 429]).filter((c) => c !== 409 || r.verb === 'update' || r.verb === 'patch');
        if (codes.length === 0) continue;
        const code = codes[Math.floor(random() * codes.length)] ?? 500;
        count(`error-${code}`);
        r.req.resume();
        const { reason, message } = REASONS[code];
        sendStatus(r.res, code, reason, message, code === 503 || code === 429 ? 1 : undefined);
        return true;
      }
      for (const l of cfg.lostResponses ?? []) {
        if (r.verb === 'watch' || !applies(l.verbs, r.verb) || random() >= l.rate) continue;
        count('response-lost');
        // Served as usual, but the answer never arrives: the connection is reset instead.
        const drop = (() => {
          r.req.socket.destroy();
          return r.res;
        }) as unknown as ServerResponse['writeHead'];
        r.res.writeHead = drop;
        r.res.end = drop as unknown as ServerResponse['end'];
        break;
      }
      if (r.verb === 'watch' && r.resumes && cfg.watch?.goneRate && random() < cfg.watch.goneRate) {
        count('watch-gone');
        r.req.resume();
        const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version (injected fault)', reason: 'Expired', code: 410 };
        r.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
        r.res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
        return true;
      }
      return false;
    },
    watchStarted(res, close) {
      const w = cfg.watch;
      if (!w) return;
      const roll = random();
      const breakRate = w.breakRate ?? 0;
      const endRate = w.endRate ?? 0;
      if (roll >= breakRate + endRate) return;
      const at = between(w.minMs ?? 100, w.maxMs ?? 2000);
      later(() => {
        if (res.writableEnded || res.destroyed) return;
        if (roll < breakRate) {
          count('watch-break');
          res.socket?.destroy();
        } else {
          count('watch-end');
          close();
        }
      }, at);
    },
    counts: () => ({ ...tally }),
    stop() {
      actors.stop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
