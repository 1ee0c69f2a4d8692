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
  | 'USAGE';

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

/** An API call failed; never carries headers or credentials. */
export class ClusterError extends SdrainError {
  readonly status?: number;
  readonly reason?: string;
  readonly object?: string;
  constructor(message: string, opts: { status?: number; reason?: string; object?: string; hint?: string; cause?: unknown; code?: 'CLUSTER_ERROR' | 'CLUSTER_UNREACHABLE' } = {}) {
    super(opts.code ?? 'CLUSTER_ERROR', message, { hint: opts.hint, cause: opts.cause });
    this.name = 'ClusterError';
    this.status = opts.status;
    this.reason = opts.reason;
    this.object = opts.object;
  }
}
