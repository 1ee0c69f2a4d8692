/**
 * Error bodies as the real API server sends them: `kind: Status` with reason, code and
 * details. kubectl prints `message`; client-node surfaces `code` and the raw body.
 */
import { StoreError, type StoreErrorReason } from '../store/types.js';
import { resourceForKind } from './resources.js';

export type StatusReason =
  | StoreErrorReason
  | 'Unauthorized'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'TooManyRequests'
  | 'InternalError'
  | 'UnsupportedMediaType'
  | 'Expired';

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  Gone: 410,
  Expired: 410,
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  MethodNotAllowed: 405,
  TooManyRequests: 429,
  InternalError: 500,
  UnsupportedMediaType: 415,
};

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** An error the HTTP layer turns into a Status response. */
export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    code?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code ?? CODES[reason];
  }
}

/** The Status body for an error. Unknown errors become 500 InternalError (message only). */
export function statusBody(err: unknown): { code: number; body: Record<string, unknown> } {
  let e: ApiError;
  if (err instanceof ApiError) e = err;
  else if (err instanceof StoreError) e = fromStoreError(err);
  else e = new ApiError('InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: e.reason === 'Invalid' ? 'Invalid' : e.reason,
    code: e.code,
  };
  if (e.details) body.details = e.details;
  return { code: e.code, body };
}

/** Maps a store error, naming the resource plural and group as the real server does. */
export function fromStoreError(err: StoreError): ApiError {
  const res = err.details?.kind ? resourceForKind(err.details.kind) : undefined;
  const details: StatusDetails = {};
  if (err.details?.name !== undefined) details.name = err.details.name;
  if (res) {
    if (res.group !== '') details.group = res.group;
    details.kind = res.plural;
  } else if (err.details?.kind) details.kind = err.details.kind;
  if (err.details?.causes) details.causes = err.details.causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field }));
  return new ApiError(err.reason, err.message, Object.keys(details).length ? details : undefined);
}

/** The success Status that DELETE of some subresources and eviction return. */
export function successStatus(code: number, details?: StatusDetails): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code, ...(details ? { details } : {}) };
}
