/**
 * kubectl sends the bodies of `kubectl create token` (TokenRequest), `kubectl auth can-i`
 * (SelfSubjectAccessReview) and `kubectl auth can-i --list` (SelfSubjectRulesReview, whose spec
 * is just field 1, namespace) as Kubernetes protobuf: the `k8s\0` magic, then a runtime.Unknown
 * whose `raw` field holds the object. This decodes just the fields those two requests carry
 * (field numbers from k8s.io/api authentication/v1 and authorization/v1 generated.proto) into
 * the JSON shape the handlers take. Replies stay JSON, which kubectl accepts.
 */
import { ApiError } from './status.js';
import { K8S_PROTOBUF_MAGIC as MAGIC, readFields } from './protobuf-wire.js';

type Fields = Map<number, (Buffer | number)[]>;

/** One protobuf message's fields: length-delimited ones as Buffers, varints as numbers (fixed-width ones skipped). */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  for (const f of readFields(buf)) {
    if (f.wire !== 0 && f.wire !== 2) continue;
    const list = out.get(f.field) ?? [];
    list.push(typeof f.value === 'bigint' ? Number(f.value) : f.value);
    out.set(f.field, list);
  }
  return out;
}

function str(f: Fields, n: number): string | undefined {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function sub(f: Fields, n: number): Fields | undefined {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
}

function strings(f: Fields, n: number): string[] {
  return (f.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v)).map((v) => v.toString('utf8'));
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Decodes a protobuf SelfSubjectAccessReview, SelfSubjectRulesReview or TokenRequest body into its JSON form. */
export function decodeReviewProtobuf(raw: Buffer, kind: 'SelfSubjectAccessReview' | 'SelfSubjectRulesReview' | 'TokenRequest'): unknown {
  try {
    if (raw.length < MAGIC.length || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('missing the k8s protobuf magic');
    const unknown = fields(raw.subarray(MAGIC.length));
    const object = unknown.get(2)?.[0];
    if (!Buffer.isBuffer(object)) throw new Error('no object in the envelope');
    const spec = sub(fields(object), 2) ?? new Map();
    if (kind === 'TokenRequest') {
      const secs = spec.get(4)?.[0];
      return { spec: defined({ audiences: strings(spec, 1).length ? strings(spec, 1) : undefined, expirationSeconds: typeof secs === 'number' ? secs : undefined }) };
    }
    if (kind === 'SelfSubjectRulesReview') return { spec: defined({ namespace: str(spec, 1) }) };
    const ra = sub(spec, 1);
    const nra = sub(spec, 2);
    return {
      spec: defined({
        resourceAttributes: ra
          ? defined({ namespace: str(ra, 1), verb: str(ra, 2), group: str(ra, 3), version: str(ra, 4), resource: str(ra, 5), subresource: str(ra, 6), name: str(ra, 7) })
          : undefined,
        nonResourceAttributes: nra ? defined({ path: str(nra, 1), verb: str(nra, 2) }) : undefined,
      }),
    };
  } catch (e) {
    throw new ApiError('BadRequest', `the body of the request could not be decoded as a ${kind}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
