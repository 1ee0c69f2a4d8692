/**
 * Contract between the simulator's object store (src/sim/store), its HTTP API server
 * (src/sim/server) and its controllers (src/sim/controllers). The store holds plain JSON
 * objects keyed by kind, namespace and name, stamps a single increasing resourceVersion on
 * every write, and keeps a bounded event log so watches can resume from a resourceVersion
 * (older than the log → 410 Gone).
 *
 * Single-threaded: every method is synchronous; listeners run synchronously after the write,
 * in registration order, and must not throw.
 */
import type { Clock } from '../../clock.js';
import type { KubeObject } from '../../model/k8s.js';
import type { Selector } from '../../kube/selector.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  kind: string;
  /** The object after the change (for DELETED: its last state, with a fresh resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  old?: KubeObject;
  resourceVersion: number;
}

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Gone' | 'BadRequest';

/** Thrown by store writes; the server maps it to a Status body with the matching HTTP code. */
export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
    readonly details?: { kind?: string; name?: string; causes?: { field: string; message: string }[] },
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: Selector;
  /** Evaluated after the label selector (field selectors, custom filters). */
  filter?: (obj: KubeObject) => boolean;
}

export interface WriteOptions {
  /** 'status' writes only `.status` (and ignores other changes); default writes all but status. */
  subresource?: 'status';
  /**
   * When true (the default for the HTTP API), a write whose metadata.resourceVersion is set and
   * differs from the stored one fails with Conflict. Controllers pass false for
   * read-modify-write of their own fields.
   */
  checkResourceVersion?: boolean;
}

export interface Store {
  /** Monotonic milliseconds used for timestamps; injected so tests and --seed stay deterministic. */
  readonly clock: Clock;
  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined;
  /** Sorted by namespace then name (plain code-unit order). Returns deep copies. */
  list<T extends KubeObject = KubeObject>(kind: string, opts?: ListOptions): T[];
  /** The resourceVersion of the latest write, as the string clients see. */
  resourceVersion(): string;
  /**
   * Creates `obj`: fills uid, resourceVersion, creationTimestamp, generation (1 for kinds with
   * spec), and a name from generateName (seeded, deterministic). AlreadyExists on a clash.
   */
  create<T extends KubeObject>(obj: T): T;
  /**
   * Inserts an object as loaded from a dump or made by a controller with a uid of its own:
   * keeps uid, creationTimestamp and status (a uid is drawn only when missing).
   */
  load<T extends KubeObject>(obj: T): T;
  /** Replaces `obj` (see WriteOptions); bumps metadata.generation when spec changes. */
  update<T extends KubeObject>(obj: T, opts?: WriteOptions): T;
  /**
   * Read-modify-write without conflicts, for controllers: `fn` edits a copy; returning false
   * skips the write. Returns the stored object, or undefined when it does not exist.
   */
  mutate<T extends KubeObject>(kind: string, namespace: string | undefined, name: string, fn: (obj: T) => void | false, opts?: { subresource?: 'status' }): T | undefined;
  /** Removes the object now (a DELETED event). NotFound when missing; Conflict when `uid` differs. */
  remove<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string, opts?: { uid?: string }): T;
  /** Synchronous notification of every write. Returns an unsubscribe function. */
  on(listener: (event: StoreEvent) => void): () => void;
  /** Events after `resourceVersion` for `kind`, or 'gone' when the log no longer reaches back. */
  eventsSince(kind: string, resourceVersion: number): StoreEvent[] | 'gone';
  /** A deterministic pseudo-random source seeded by --seed (names, uids, jitter). */
  readonly random: () => number;
}

/** Time for the simulator: wall time by default, a manual clock in unit tests (the one Clock, src/clock.ts). */
export type { Clock };
