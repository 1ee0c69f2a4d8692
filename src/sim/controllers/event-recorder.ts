/**
 * The Events the simulated controllers, scheduler and kubelet record, as client-go's event
 * recorder writes them: an Event per (object, type, reason, message, component) — a repeat
 * bumps `count` and `lastTimestamp` (`series` in events.k8s.io terms) instead of writing a new
 * one, like the recorder's correlator, and repeats beyond a burst of 25 are dropped unless 5
 * minutes passed per repeat, like its spam filter (so a pod retried by the scheduler does not
 * write an Event per attempt) — in the involved object's namespace (`default` for cluster-scoped
 * objects), named `<object>.<hex timestamp>`.
 *
 * Two things the real recorder does not have to care about:
 * - Determinism. Names and uids never draw from the store's seeded generator (pod names would
 *   shift): the name is the object's name and the clock in nanoseconds plus a sequence number,
 *   the uid a hash of the name. Events are written with `store.load`, which draws nothing.
 * - Bounds. The API server drops Events after an hour (--event-ttl 1h); the recorder does the
 *   same when it records (no timer), and keeps at most `maxEvents` (default 5000), dropping the
 *   oldest first, so a scale benchmark's hundred thousand pods do not keep half a million Events.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../model/k8s.js';
import type { Store } from '../store/types.js';
import { formatTime } from '../store/wall-clock.js';
import { fillEventViews } from '../server/event-views.js';

/** Who records: `component` is the core/v1 `source.component` and events.k8s.io `reportingController`. */
export interface EventSource {
  component: string;
  /** The node, for the kubelet. */
  host?: string;
}

/** One Event to record (`action` only matters to events.k8s.io readers; upstream's scheduler sets it). */
export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  action?: string;
  /** e.g. `spec.containers{nginx}` for the kubelet's container Events. */
  fieldPath?: string;
}

/** Records Events on behalf of the simulated components. */
export interface EventRecorder {
  record(source: EventSource, object: KubeObject, event: EventSpec): void;
}

/** How long an Event lives: the API server's default --event-ttl. */
export const EVENT_TTL_MS = 60 * 60 * 1000;

interface Kept {
  namespace: string;
  name: string;
  key: string;
  last: number;
  /** Repeats allowed now (client-go's spam filter: a burst of 25, then one per 5 minutes). */
  tokens: number;
}

const SPAM_BURST = 25;
const SPAM_REFILL_MS = 5 * 60 * 1000;

/** Options: `maxEvents` caps how many Events the recorder keeps; `ttlMs` is how long one lives. */
export function createEventRecorder(store: Store, opts: { maxEvents?: number; ttlMs?: number } = {}): EventRecorder {
  const maxEvents = opts.maxEvents ?? 5000;
  const ttlMs = opts.ttlMs ?? EVENT_TTL_MS;
  const byKey = new Map<string, Kept>();
  // Insertion order = first-recorded order; a repeat moves its entry to the end.
  let seq = 0;

  const drop = (k: Kept) => {
    byKey.delete(k.key);
    if (store.get('Event', k.namespace, k.name)) store.remove('Event', k.namespace, k.name);
  };
  const expire = (now: number) => {
    for (const k of byKey.values()) {
      if (byKey.size <= maxEvents && now - k.last < ttlMs) break;
      drop(k);
    }
  };

  return {
    record(source, object, event) {
      const now = store.clock.now();
      const meta = object.metadata;
      const namespace = meta.namespace || 'default';
      const key = [meta.uid ?? `${meta.namespace ?? ''}/${meta.name}`, event.fieldPath ?? '', event.type, event.reason, event.message, source.component, source.host ?? ''].join('\u0000');
      const time = formatTime(now);
      const prior = byKey.get(key);
      if (prior && now - prior.last < ttlMs) {
        const tokens = Math.min(SPAM_BURST, prior.tokens + (now - prior.last) / SPAM_REFILL_MS);
        if (tokens < 1) return; // dropped, as the spam filter drops a too-frequent repeat
        const updated = store.mutate<KubeObject>('Event', prior.namespace, prior.name, (e) => {
          const o = e as unknown as Record<string, unknown>;
          const count = ((o.count as number | undefined) ?? 1) + 1;
          Object.assign(o, { count, lastTimestamp: time, deprecatedCount: count, deprecatedLastTimestamp: time, series: { count, lastObservedTime: microTime(now) } });
        });
        if (updated) {
          byKey.delete(key);
          byKey.set(key, { ...prior, last: now, tokens: tokens - 1 });
          return;
        }
        byKey.delete(key);
      } else if (prior) drop(prior);
      const name = `${meta.name}.${(BigInt(now) * 1_000_000n + BigInt(seq++ % 1_000_000)).toString(16)}`;
      const involved = {
        kind: object.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: object.apiVersion,
        resourceVersion: meta.resourceVersion,
        ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}),
      };
      const ev = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace, uid: uidOf(namespace, name), creationTimestamp: time },
        involvedObject: JSON.parse(JSON.stringify(involved)) as object,
        reason: event.reason,
        message: event.message,
        type: event.type,
        source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
        ...(event.action ? { action: event.action } : {}),
      } as unknown as KubeObject;
      fillEventViews(ev);
      store.load(ev);
      byKey.set(key, { namespace, name, key, last: now, tokens: SPAM_BURST - 1 });
      expire(now);
    },
  };
}

/** A stable uid from the Event's name (no draw from the seeded generator). */
function uidOf(namespace: string, name: string): string {
  const h = createHash('sha1').update(`${namespace}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
