import { describe, expect, it } from 'vitest';
import { decodeObjectProtobuf } from './protobuf-body.js';
import { K8S_PROTOBUF_MAGIC } from './protobuf-wire.js';
import { ApiError } from './status.js';

// A tiny encoder for the test's bodies: [field, value] pairs; strings/Buffers/nested arrays are
// length-delimited, numbers and booleans varints (negative numbers as 64-bit two's complement).
type Field = [number, string | number | boolean | Buffer | Field[]];

function varint(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}

function encode(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const [n, v] of fields) {
    if (typeof v === 'number' || typeof v === 'boolean') {
      parts.push(Buffer.from([...varint(BigInt(n << 3)), ...varint(BigInt(Number(v)))]));
      continue;
    }
    const bytes = typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : encode(v);
    parts.push(Buffer.from([...varint(BigInt((n << 3) | 2)), ...varint(BigInt(bytes.length))]), bytes);
  }
  return Buffer.concat(parts);
}

function body(apiVersion: string, kind: string, object: Field[]): Buffer {
  return Buffer.concat([K8S_PROTOBUF_MAGIC, encode([[1, [[1, apiVersion], [2, kind]]], [2, encode(object)], [3, ''], [4, '']])]);
}

const meta = (name: string): Field => [1, [[1, name], [2, ''], [3, 'shop'], [7, 0], [8, []], [11, [[1, 'app'], [2, 'web']]]]];

function refusal(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('decodeObjectProtobuf', () => {
  it('decodes a Deployment as kubectl create sends it: zero non-pointer scalars dropped, pointer zeros and empty messages kept', () => {
    const container: Field[] = [[1, 'nginx'], [2, 'nginx:1.27'], [5, ''], [8, []], [16, false], [6, [[3, 80], [4, 'TCP']]]];
    const spec: Field[] = [
      [1, 0], // replicas: *int32, an explicit 0
      [2, [[1, [[1, 'app'], [2, 'web']]]]],
      [3, [meta(''), [2, [[2, container], [3, ''], [11, false]]]]],
      [4, [[1, 'RollingUpdate'], [2, [[1, [[1, 1], [3, '50%']]], [2, [[1, 0], [2, 2]]]]]]],
      [5, 0],
    ];
    const o = decodeObjectProtobuf(body('apps/v1', 'Deployment', [meta('web'), [2, spec], [3, [[1, 5]]]]));
    expect(o).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { namespace: 'shop', labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: {}, ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 2 } },
      },
    });
  });

  it('keeps empty strings in repeated fields (an RBAC rule for the core group), base64s bytes and reads negative int64s', () => {
    const role = decodeObjectProtobuf(body('rbac.authorization.k8s.io/v1', 'Role', [meta('r'), [2, [[1, 'get'], [2, ''], [3, 'pods']]]]));
    expect(role.rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    const secret = decodeObjectProtobuf(body('v1', 'Secret', [meta('s'), [2, [[1, 'k'], [2, Buffer.from('v')]]], [3, 'Opaque']]));
    expect(secret.data).toEqual({ k: Buffer.from('v').toString('base64') });
    const pod = decodeObjectProtobuf(body('v1', 'Pod', [meta('p'), [2, [[2, [[1, 'c']]], [22, [[2, 'Exists'], [5, -1]]]]]]));
    expect((pod.spec as { tolerations: unknown }).tolerations).toEqual([{ operator: 'Exists', tolerationSeconds: -1 }]);
  });

  it('refuses a kind it has no descriptor for with 415 naming the kind and the way around it', () => {
    const e = refusal(() => decodeObjectProtobuf(body('coordination.k8s.io/v1', 'Lease', [meta('l')])));
    expect(e.reason).toBe('UnsupportedMediaType');
    expect(e.message).toContain('cannot decode a protobuf body of kind Lease (coordination.k8s.io/v1)');
    expect(e.message).toContain('send it as JSON');
  });

  it('refuses a field it does not know rather than dropping it, naming the field and where it is', () => {
    const e = refusal(() => decodeObjectProtobuf(body('v1', 'Pod', [meta('p'), [2, [[2, [[1, 'c']]], [34, [[1, 'x']]]]]])));
    expect(e.reason).toBe('UnsupportedMediaType');
    expect(e.message).toContain('field 34 of PodSpec (under spec)');
  });

  it('answers 400 for a body without the k8s magic', () => {
    expect(refusal(() => decodeObjectProtobuf(Buffer.from('{"kind":"Pod"}'))).reason).toBe('BadRequest');
  });
});
