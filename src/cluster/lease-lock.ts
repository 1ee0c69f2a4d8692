/**
 * One apply at a time per cluster: a coordination.k8s.io/v1 Lease held while apply runs and
 * renewed in the background. Another holder's lease is taken over only once it has expired
 * (renewTime + leaseDurationSeconds), so a killed apply blocks others for at most one lease
 * duration; `sdrain unlock` removes it at once. Writes use resourceVersion, so two applies
 * racing for the same lease cannot both win (409 → look again).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { SdrainError } from '../errors.js';
import type { Lease } from '../model/k8s.js';
import { kubeRequest, type KubeRequest, type KubeResponse } from './kube-request.js';
import { responseError as toResponseError, toClusterError } from './api-error.js';

/** One lease request; a failure to get an answer is translated like every other API call. */
async function send(kc: KubeConfig, req: KubeRequest, action: string, object: string): Promise<KubeResponse> {
  try {
    return await kubeRequest(kc, req);
  } catch (err) {
    throw toClusterError(err, { action, object, scope: 'apply' });
  }
}

function responseError(res: KubeResponse, action: string, object: string) {
  return toResponseError(res, { action, object, scope: 'apply' });
}

export const LOCK_LEASE_NAME = 'sdrain-apply';
export const LOCK_DIGEST_ANNOTATION = 'sdrain.io/plan-digest';

/** V1MicroTime as a real API server parses it: exactly 6 fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface LeaseLockOptions {
  kc: KubeConfig;
  namespace: string;
  name?: string;
  /** Who we are, shown to whoever waits for us (host, pid, a random suffix). */
  holder: string;
  /** Recorded on the Lease so a waiting apply can say which plan is running. */
  digest?: string;
  durationSeconds: number;
  /** Wall-clock milliseconds (injected for tests). */
  now: () => number;
}

export interface HeldLock {
  /** Aborted when renewal finds the lease taken by someone else. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

function leasePath(namespace: string, name?: string): string {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  return name ? `${base}/${encodeURIComponent(name)}` : base;
}

function expired(lease: Lease, nowMs: number): boolean {
  const spec = lease.spec ?? {};
  if (!spec.holderIdentity) return true;
  const renew = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (Number.isNaN(renew)) return true;
  return renew + (spec.leaseDurationSeconds ?? 0) * 1000 < nowMs;
}

/** A human description of who holds a lease, for refusals and `sdrain unlock`. */
export function describeHolder(lease: Lease): string {
  const spec = lease.spec ?? {};
  const digest = lease.metadata.annotations?.[LOCK_DIGEST_ANNOTATION];
  return `"${spec.holderIdentity ?? '(nobody)'}"${digest ? ` applying plan ${digest}` : ''}${spec.renewTime ? `, last renewed ${spec.renewTime}` : ''}`;
}

/**
 * Takes the lock, waiting up to timeoutMs while someone else holds a live lease; then throws
 * SdrainError LOCKED naming the holder. Starts renewing every third of the lease duration.
 */
export async function acquireLeaseLock(opts: LeaseLockOptions & { timeoutMs: number; signal?: AbortSignal }): Promise<HeldLock> {
  const name = opts.name ?? LOCK_LEASE_NAME;
  const path = leasePath(opts.namespace, name);
  const object = `Lease "${opts.namespace}/${name}"`;
  const deadline = opts.now() + opts.timeoutMs;
  const ourSpec = (transitions: number) => ({
    holderIdentity: opts.holder,
    leaseDurationSeconds: opts.durationSeconds,
    acquireTime: microTime(opts.now()),
    renewTime: microTime(opts.now()),
    leaseTransitions: transitions,
  });
  const annotations = opts.digest ? { [LOCK_DIGEST_ANNOTATION]: opts.digest } : undefined;
  for (;;) {
    if (opts.signal?.aborted) throw new SdrainError('INTERRUPTED', 'Interrupted while waiting for the apply lock');
    // A 409 on our own write (e.g. a retry after a lost response) says nothing about a rival: look again at once.
    let lookAgainNow = false;
    const got = await send(opts.kc, { method: 'GET', path, signal: opts.signal }, 'read', object);
    let current: Lease | undefined;
    if (got.status === 404) {
      const res = await send(
        opts.kc,
        {
          method: 'POST',
          path: leasePath(opts.namespace),
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: opts.namespace, annotations }, spec: ourSpec(0) },
          signal: opts.signal,
        },
        'create',
        object,
      );
      if (res.status === 201 || res.status === 200) return startRenewal(opts, path, object, res.body as Lease);
      if (res.status !== 409) throw responseError(res, 'create', object);
      lookAgainNow = true;
    } else if (got.status === 200) {
      current = got.body as Lease;
      const spec = current.spec ?? {};
      if (spec.holderIdentity === opts.holder || expired(current, opts.now())) {
        const transitions = (spec.leaseTransitions ?? 0) + (spec.holderIdentity === opts.holder ? 0 : 1);
        const body = {
          ...current,
          metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), ...(annotations ?? {}) } },
          spec: ourSpec(transitions),
        };
        const res = await send(opts.kc, { method: 'PUT', path, body, signal: opts.signal }, 'take over', object);
        if (res.status === 200) return startRenewal(opts, path, object, res.body as Lease);
        if (res.status !== 409) throw responseError(res, 'take over', object);
        lookAgainNow = spec.holderIdentity === opts.holder;
      }
    } else {
      throw responseError(got, 'read', object);
    }
    const left = deadline - opts.now();
    if (left <= 0) {
      const holder = current ? describeHolder(current) : 'another apply';
      throw new SdrainError('LOCKED', `Cannot apply: another apply holds the lock ${object}: ${holder}`, {
        hint: `wait for it to finish, or if it is gone run "sdrain unlock" (the lease also expires ${opts.durationSeconds}s after its last renewal)`,
      });
    }
    if (!lookAgainNow) await sleep(Math.min(1000, left), opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Renews with one PUT of the lease as we last wrote it (its resourceVersion makes it a
 * compare-and-swap): success proves nobody else wrote it since. Only a 409 costs a GET, to see
 * whether the lease was taken (lost) or only touched (carry on with the fresh copy).
 */
function startRenewal(opts: LeaseLockOptions, path: string, object: string, written: Lease): HeldLock {
  const lost = new AbortController();
  let stopped = false;
  let last = written;
  let inFlight: Promise<void> = Promise.resolve();
  /** The lease as it is now, if still ours (undefined after noticing it is lost or gone). */
  const stillOurs = async (): Promise<Lease | undefined> => {
    const got = await send(opts.kc, { method: 'GET', path }, 'read', object);
    if (got.status === 404) {
      lost.abort(new SdrainError('LOCKED', `Lost the apply lock: ${object} was deleted`));
      return undefined;
    }
    if (got.status !== 200) return undefined;
    const lease = got.body as Lease;
    if (lease.spec?.holderIdentity !== opts.holder) {
      lost.abort(new SdrainError('LOCKED', `Lost the apply lock: ${object} is now held by ${describeHolder(lease)}`));
      return undefined;
    }
    return lease;
  };
  const renew = async () => {
    if (stopped || lost.signal.aborted) return;
    const put = (lease: Lease) => send(opts.kc, { method: 'PUT', path, body: { ...lease, spec: { ...lease.spec, renewTime: microTime(opts.now()) } } }, 'renew', object);
    let res = await put(last);
    if (res.status === 409) {
      const lease = await stillOurs();
      if (!lease || stopped) return;
      res = await put(lease);
    }
    if (res.status === 200) last = res.body as Lease;
    else if (res.status === 404) lost.abort(new SdrainError('LOCKED', `Lost the apply lock: ${object} was deleted`));
    // Anything else (a 409 again, 5xx): tried again at the next tick.
  };
  const timer = setInterval(() => {
    inFlight = inFlight.then(renew).catch(() => undefined);
  }, Math.max(200, (opts.durationSeconds * 1000) / 3));
  return {
    lost: lost.signal,
    async release() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      if (lost.signal.aborted) return;
      const put = (lease: Lease) => {
        const { holderIdentity: _h, ...rest } = lease.spec ?? {};
        void _h;
        return send(opts.kc, { method: 'PUT', path, body: { ...lease, spec: { ...rest, renewTime: microTime(opts.now()), leaseDurationSeconds: 1 } } }, 'release', object);
      };
      const res = await put(last);
      if (res.status !== 409) return;
      const lease = await stillOurs();
      if (lease) await put(lease);
    },
  };
}

/** `sdrain unlock`: deletes the lease whoever holds it; returns what it held, if anything. */
export async function forceUnlock(kc: KubeConfig, namespace: string, name = LOCK_LEASE_NAME, signal?: AbortSignal): Promise<Lease | undefined> {
  const path = leasePath(namespace, name);
  const object = `Lease "${namespace}/${name}"`;
  const got = await send(kc, { method: 'GET', path, signal }, 'read', object);
  if (got.status === 404) return undefined;
  if (got.status !== 200) throw responseError(got, 'read', object);
  const res = await send(kc, { method: 'DELETE', path, signal }, 'delete', object);
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw responseError(res, 'delete', object);
  return got.body as Lease;
}
