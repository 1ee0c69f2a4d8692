/**
 * What apply may do to a cluster, as an interface: the executor in src/apply depends only on
 * this, so it runs unchanged against the real API (kube-gateway.ts) or a test double. Every
 * write is idempotent when repeated with the same arguments, so a resumed apply can replay a
 * step it is unsure about.
 */
import type { ClusterIdentity, Snapshot } from '../model/snapshot.js';
import type { Deployment, KubeObject, Node, Pod, StatefulSet } from '../model/k8s.js';

export type WatchKind = 'Node' | 'Pod' | 'Deployment' | 'StatefulSet';

export interface WatchQuery {
  kind: WatchKind;
  namespace?: string;
  /** Watch one object by name (fieldSelector metadata.name). */
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * A continuously updated view of the objects a query matches (list + watch, resumed by
 * resourceVersion, re-listed after 410 Gone).
 */
export interface ObjectCache<T extends KubeObject = KubeObject> {
  /** Current objects, sorted by namespace then name. */
  items(): T[];
  /** Resolves after the first list; rejects when the first list fails. */
  readonly synced: Promise<void>;
  /** Called after every change the watch delivers (and after each re-list). */
  onChange(listener: () => void): () => void;
  stop(): void;
  /** Set once the cache has stopped for good (401/403 on a re-list or watch); waits on it fail with it. */
  error?(): Error | undefined;
}

/** How an eviction request ended. */
export type EvictOutcome =
  | { kind: 'evicted' }
  /** The pod no longer exists, or a different pod now has its name. */
  | { kind: 'gone' }
  /** 429: a PodDisruptionBudget does not allow it now; retry later. */
  | { kind: 'blocked'; message: string }
  /** 500 naming several PDBs: the API server will never allow it. */
  | { kind: 'multiple-pdbs'; message: string };

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface WorkloadPatch {
  replicas?: number;
  /** metadata.annotations to set (string) or remove (null). */
  annotations?: Record<string, string | null>;
  /** spec.template.metadata.annotations to set. */
  templateAnnotations?: Record<string, string>;
}

export interface ClusterGateway {
  /** The server URL and the kube-system namespace UID. */
  identity(): Promise<ClusterIdentity>;
  /** Everything the planner reads, live (read once; nothing is left watching). */
  readSnapshot(): Promise<Snapshot>;
  getNode(name: string): Promise<Node | undefined>;
  /** Strategic-merge patch of spec.unschedulable (null removes it) and metadata.annotations. */
  patchNode(name: string, patch: { unschedulable?: boolean | null; annotations?: Record<string, string | null> }): Promise<Node>;
  getWorkload(kind: 'Deployment', namespace: string, name: string): Promise<Deployment | undefined>;
  getWorkload(kind: 'StatefulSet', namespace: string, name: string): Promise<StatefulSet | undefined>;
  getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Deployment | StatefulSet | undefined>;
  patchWorkload(kind: WorkloadKind, namespace: string, name: string, patch: WorkloadPatch): Promise<Deployment | StatefulSet>;
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
  listPods(query: { namespace?: string; nodeName?: string; labelSelector?: string }): Promise<Pod[]>;
  /** Sets/removes pod annotations, with the UID as precondition; 'gone' when the pod (with this uid) no longer exists. */
  annotatePod(namespace: string, name: string, uid: string, annotations: Record<string, string | null>): Promise<'patched' | 'gone'>;
  /** Eviction API with a UID precondition. */
  evictPod(namespace: string, name: string, uid: string): Promise<EvictOutcome>;
  /** DELETE with a UID precondition. */
  deletePod(namespace: string, name: string, uid: string): Promise<'deleted' | 'gone'>;
  /**
   * A cache of the objects the query matches: for a real API server its own LIST + WATCH,
   * narrowed on the server by the query (namespace, name, selectors). stop() it when done.
   */
  watch<T extends KubeObject = KubeObject>(query: WatchQuery): ObjectCache<T>;
  /** Stops anything the gateway itself left running (a test double's timers); optional. */
  close?(): void;
}
