/**
 * One error family for the whole tool. Every error carries a stable code, a message that says
 * the action first and quotes values, an optional hint saying what to do, and an optional
 * cause. Only the CLI turns these into text and exit codes (see src/render/format-error.ts).
 */
export type ErrorCode =
  | 'SPEC_INVALID'
  | 'INPUT_INVALID'
  | 'FILE_NOT_FOUND'
  | 'CLUSTER_UNREACHABLE'
  | 'CLUSTER_ERROR'
  | 'PLAN_INVALID'
  | 'PLAN_REFUSED'
  | 'DRIFT'
  | 'LOCKED'
  | 'APPLY_FAILED'
  | 'INTERRUPTED'
  | 'USAGE'
  /** A file sdrain was asked to write (plan, snapshot, kubeconfig, events) could not be written. */
  | 'OUTPUT_WRITE_FAILED'
  /** Something sdrain did not expect: a bug, reported as one (src/render/format-error.ts). */
  | 'INTERNAL';

export class SdrainError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SdrainError';
    this.code = code;
    this.hint = opts.hint;
  }
}

/** Where in a text file a problem is: 1-based line and column. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

/** One problem found in user input; collected, then reported together. */
export interface Diagnostic extends SourcePosition {
  /** JSON-pointer-like path of the field, e.g. `spec.nodes.names[2]`. */
  field?: string;
  /** The object concerned in cluster data, e.g. `Pod "shop/api-7d9"`. */
  object?: string;
  message: string;
}

/** Bad user input (spec, snapshot, plan file): carries every problem found at once. */
export class InputError extends SdrainError {
  readonly diagnostics: Diagnostic[];
  constructor(code: 'SPEC_INVALID' | 'INPUT_INVALID' | 'PLAN_INVALID', summary: string, diagnostics: Diagnostic[], hint?: string) {
    super(code, summary, { hint });
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }
}

/**
 * An API call failed. Built only by src/cluster/api-error.ts (the one translator of API and
 * network failures), so plan, snapshot, apply and uncordon word the same failure alike. Never
 * carries headers or credentials.
 */
export class ClusterError extends SdrainError {
  /** The HTTP status the server answered, when it answered. */
  readonly status?: number;
  /** The Status reason (`Forbidden`, `NotFound`, `TooManyRequests`…), when the server sent one. */
  readonly reason?: string;
  /** The object concerned, e.g. `Pod "shop/api-7d9"`. */
  readonly object?: string;
  /** For a 403: the permission the server named as missing, e.g. `create pods/eviction (API group "") in namespace "shop"`. */
  readonly permission?: string;
  /** True when trying again later may succeed (429, 5xx, connection failures); false for 4xx and TLS trust. */
  readonly retryable: boolean;
  constructor(
    message: string,
    opts: { status?: number; reason?: string; object?: string; permission?: string; retryable?: boolean; hint?: string; cause?: unknown; code?: 'CLUSTER_ERROR' | 'CLUSTER_UNREACHABLE' } = {},
  ) {
    super(opts.code ?? 'CLUSTER_ERROR', message, { hint: opts.hint, cause: opts.cause });
    this.name = 'ClusterError';
    this.status = opts.status;
    this.reason = opts.reason;
    this.object = opts.object;
    this.permission = opts.permission;
    this.retryable = opts.retryable ?? false;
  }
}

/**
 * Something that should not happen did: the CLI reports it as a bug in sdrain (with the
 * command and version, and a one-line cause; the stack only with SDRAIN_DEBUG set). Also what
 * any non-sdrain error caught at the top becomes.
 */
export class InternalError extends SdrainError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super('INTERNAL', message, { cause: opts.cause });
    this.name = 'InternalError';
  }
}

/**
 * Apply refused because re-planning gave another plan: DRIFT (the cluster changed) or
 * PLAN_REFUSED (a plan of another sdrain version, planned differently now). Carries what
 * changed as data; the CLI renders it (src/render/format-error.ts), --events carries it as is.
 */
export class DriftError extends SdrainError {
  /** The changed facts, as projection paths naming their objects (src/apply/drift-projection.ts), sorted. */
  readonly changed: string[];
  /** Unified diff of the reviewed plan's projection against the re-plan's. */
  readonly diff: string;
  constructor(code: 'DRIFT' | 'PLAN_REFUSED', message: string, opts: { changed: string[]; diff: string; hint?: string }) {
    super(code, message, { hint: opts.hint });
    this.name = 'DriftError';
    this.changed = opts.changed;
    this.diff = opts.diff;
  }
}
