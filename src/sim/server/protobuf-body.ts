/**
 * Decodes a Kubernetes protobuf request body (what kubectl's typed commands send: `kubectl
 * create deployment`, `kubectl debug node/…`) into the JSON object the handlers take, driven by
 * the descriptors in ./protobuf-schema.ts. A kind or a field the descriptors do not know is
 * refused with 415 naming it (and the way around it: send the object as JSON), so nothing a
 * client sent is dropped silently.
 */
import { ApiError } from './status.js';
import { KIND_MESSAGES, MESSAGES } from './protobuf-schema.js';
import { readEnvelope, readFields, readVarint, type WireField } from './protobuf-wire.js';

interface FieldDesc {
  name: string;
  type: string;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  inline: boolean;
  ignore: boolean;
}

const parsed = new Map<string, Map<number, FieldDesc>>();

function descriptor(message: string): Map<number, FieldDesc> {
  let d = parsed.get(message);
  if (d) return d;
  d = new Map();
  for (const [num, text] of Object.entries(MESSAGES[message] ?? {})) {
    const colon = text.indexOf(':');
    const name = text.slice(0, colon);
    let type = text.slice(colon + 1);
    const pointer = type.endsWith('?');
    if (pointer) type = type.slice(0, -1);
    const repeated = type.endsWith('[]');
    if (repeated) type = type.slice(0, -2);
    const map = type.startsWith('map<');
    if (map) type = type.slice(4, -1);
    d.set(Number(num), { name, type, repeated, map, pointer, inline: name === '...', ignore: type === '-' });
  }
  parsed.set(message, d);
  return d;
}

/** A field the descriptors do not list: the caller answers 415. */
class UnknownField extends Error {
  constructor(readonly where: string) {
    super(where);
  }
}

const SCALARS = new Set(['string', 'bytes', 'int32', 'int64', 'bool']);

function toSigned(v: bigint, type: string): number {
  // int32 and int64 negatives are sign-extended to 64 bits on the wire.
  const s = v >= 1n << 63n ? v - (1n << 64n) : v;
  return Number(type === 'int32' ? BigInt.asIntN(32, s) : s);
}

function wireError(path: string): Error {
  return new Error(`unexpected wire type at ${path}`);
}

/** One scalar or special value; `undefined` for a zero value that JSON would omit. */
function scalar(f: WireField, type: string, path: string): unknown {
  switch (type) {
    case 'string':
    case 'bytes':
      if (!Buffer.isBuffer(f.value) || f.wire !== 2) throw wireError(path);
      return type === 'string' ? f.value.toString('utf8') : f.value.toString('base64');
    case 'int32':
    case 'int64':
      if (typeof f.value !== 'bigint') throw wireError(path);
      return toSigned(f.value, type);
    case 'bool':
      if (typeof f.value !== 'bigint') throw wireError(path);
      return f.value !== 0n;
    default:
      throw wireError(path);
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** metav1.Time {seconds 1, nanos 2} as RFC 3339 (seconds precision, as metav1.Time marshals); undefined when zero. */
function time(buf: Buffer): string | undefined {
  let seconds = 0n;
  for (const f of readFields(buf)) if (f.field === 1 && typeof f.value === 'bigint') seconds = f.value;
  if (seconds === 0n) return undefined;
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function special(buf: Buffer, type: string): unknown {
  const fields = readFields(buf);
  const get = (n: number) => fields.find((f) => f.field === n)?.value;
  if (type === 'quantity') {
    const s = get(1);
    return Buffer.isBuffer(s) ? s.toString('utf8') : '0';
  }
  // intOrString {type 1 (0 int, 1 string), intVal 2, strVal 3}
  const t = get(1);
  if (t === 1n) {
    const s = get(3);
    return Buffer.isBuffer(s) ? s.toString('utf8') : '';
  }
  const i = get(2);
  return typeof i === 'bigint' ? toSigned(i, 'int32') : 0;
}

function value(f: WireField, d: FieldDesc, path: string): unknown {
  if (SCALARS.has(d.type)) return scalar(f, d.type, path);
  if (!Buffer.isBuffer(f.value) || f.wire !== 2) throw wireError(path);
  if (d.type === 'time') return time(f.value);
  if (d.type === 'quantity' || d.type === 'intOrString') return special(f.value, d.type);
  return message(f.value, d.type, path);
}

function mapEntry(buf: Buffer, d: FieldDesc, path: string): [string, unknown] {
  let key = '';
  let v: unknown = d.type === 'string' || d.type === 'bytes' ? '' : undefined;
  for (const e of readFields(buf)) {
    if (e.field === 1 && Buffer.isBuffer(e.value)) key = e.value.toString('utf8');
    else if (e.field === 2) v = value(e, d, `${path}[${key}]`);
  }
  return [key, v];
}

function message(buf: Buffer, name: string, path: string): Record<string, unknown> {
  const desc = descriptor(name);
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const d = desc.get(f.field);
    if (!d) throw new UnknownField(`field ${f.field} of ${name}${path ? ` (under ${path})` : ''}`);
    if (d.ignore) continue;
    const here = path ? `${path}.${d.name}` : d.name;
    if (d.inline) {
      if (!Buffer.isBuffer(f.value)) throw wireError(here);
      Object.assign(out, message(f.value, d.type, path));
    } else if (d.map) {
      if (!Buffer.isBuffer(f.value)) throw wireError(here);
      const [k, v] = mapEntry(f.value, d, here);
      const m = (out[d.name] ??= {}) as Record<string, unknown>;
      m[k] = v;
    } else if (d.repeated) {
      const list = (out[d.name] ??= []) as unknown[];
      if (f.wire === 2 && (d.type === 'int32' || d.type === 'int64' || d.type === 'bool') && Buffer.isBuffer(f.value)) {
        // A packed repeated scalar: consecutive varints.
        for (let pos = 0; pos < f.value.length; ) {
          const [v, next] = readVarint(f.value, pos);
          list.push(scalar({ field: f.field, wire: 0, value: v }, d.type, here));
          pos = next;
        }
      } else list.push(value(f, d, here));
    } else {
      const v = value(f, d, here);
      if (v === undefined || (!d.pointer && SCALARS.has(d.type) && isZero(v))) delete out[d.name];
      else out[d.name] = v;
    }
  }
  return out;
}

/** The kinds whose protobuf bodies can be decoded, for messages. */
export function protobufKinds(): string[] {
  return Object.keys(KIND_MESSAGES).sort();
}

/**
 * Decodes a create/update body sent as `application/vnd.kubernetes.protobuf` into its JSON form
 * (with apiVersion and kind from the envelope). 415 for a kind or field the simulator cannot
 * decode, 400 for a malformed body.
 */
export function decodeObjectProtobuf(raw: Buffer): Record<string, unknown> {
  let env: ReturnType<typeof readEnvelope>;
  try {
    env = readEnvelope(raw);
  } catch (e) {
    throw new ApiError('BadRequest', `the body of the request could not be decoded as protobuf: ${e instanceof Error ? e.message : String(e)}`);
  }
  const msg = KIND_MESSAGES[env.kind];
  const what = `${env.kind || 'an object of unknown kind'}${env.apiVersion ? ` (${env.apiVersion})` : ''}`;
  const hint = 'send it as JSON instead (e.g. kubectl create … --dry-run=client -o yaml | kubectl create -f -)';
  if (!msg) {
    throw new ApiError('UnsupportedMediaType', `the simulator cannot decode a protobuf body of kind ${what}; it decodes protobuf only for ${protobufKinds().join(', ')}: ${hint}`);
  }
  try {
    return { apiVersion: env.apiVersion, kind: env.kind, ...message(env.object, msg, '') };
  } catch (e) {
    if (e instanceof UnknownField) throw new ApiError('UnsupportedMediaType', `the simulator cannot decode ${e.where} in a protobuf ${what}: ${hint}`);
    throw new ApiError('BadRequest', `the body of the request could not be decoded as a protobuf ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
