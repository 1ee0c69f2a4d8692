/**
 * The protobuf wire format as Kubernetes uses it (proto2, written by gogo-protobuf): a body is
 * the `k8s\0` magic and a runtime.Unknown envelope whose field 1 is the TypeMeta (apiVersion 1,
 * kind 2) and field 2 the object's own bytes. Only what decoding request bodies needs: fields
 * in order, varints as BigInt (int64 and negative int32 need all 64 bits).
 */

/** One field as read from the wire: varints as bigint, fixed64/32 as their raw bytes, length-delimited as a Buffer. */
export interface WireField {
  field: number;
  wire: 0 | 1 | 2 | 5;
  value: bigint | Buffer;
}

/** `k8s\0`, the prefix of every Kubernetes protobuf body. */
export const K8S_PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Reads one varint at `pos`; returns the value and the position after it. */
export function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

/** Every field of one message, in wire order. Throws on malformed input. */
export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new Error('field number 0');
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ field, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      if (end > buf.length) throw new Error('truncated field');
      out.push({ field, wire, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      const end = pos + (wire === 1 ? 8 : 4);
      if (end > buf.length) throw new Error('truncated field');
      out.push({ field, wire, value: buf.subarray(pos, end) });
      pos = end;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** The envelope of a Kubernetes protobuf body: the TypeMeta and the object's bytes. */
export function readEnvelope(raw: Buffer): { apiVersion: string; kind: string; object: Buffer } {
  if (raw.length < K8S_PROTOBUF_MAGIC.length || !raw.subarray(0, K8S_PROTOBUF_MAGIC.length).equals(K8S_PROTOBUF_MAGIC)) throw new Error('missing the k8s protobuf magic');
  let apiVersion = '';
  let kind = '';
  let object: Buffer | undefined;
  for (const f of readFields(raw.subarray(K8S_PROTOBUF_MAGIC.length))) {
    if (f.field === 1 && Buffer.isBuffer(f.value)) {
      for (const t of readFields(f.value)) {
        if (!Buffer.isBuffer(t.value)) continue;
        if (t.field === 1) apiVersion = t.value.toString('utf8');
        if (t.field === 2) kind = t.value.toString('utf8');
      }
    } else if (f.field === 2 && Buffer.isBuffer(f.value)) object = f.value;
  }
  if (!object) throw new Error('no object in the envelope');
  return { apiVersion, kind, object };
}
