/**
 * Request bodies: read with a size limit, then parsed as JSON, YAML (server-side apply) or
 * Kubernetes protobuf (./protobuf-body.ts).
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from './status.js';
import { decodeObjectProtobuf } from './protobuf-body.js';

const MAX_BODY = 32 * 1024 * 1024;

/** The whole body, refused (400) beyond 32 MiB. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError('BadRequest', 'the request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * JSON and YAML bodies are parsed; protobuf bodies of the kinds kubectl's typed commands create
 * are decoded (./protobuf-body.ts, 415 naming any other kind); a protobuf DELETE body (kubectl
 * drain's fallback sends DeleteOptions) is tolerated as "no body".
 */
export function parseBody(raw: Buffer, contentType: string, method: string): unknown {
  if (raw.length === 0) return undefined;
  const ct = contentType.toLowerCase();
  if (ct.includes('protobuf')) {
    if (method === 'DELETE') return undefined;
    if (method === 'POST' || method === 'PUT') return decodeObjectProtobuf(raw);
    throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  try {
    // Server-side apply bodies are YAML (JSON is YAML too).
    if (ct.includes('yaml')) return parseYaml(raw.toString('utf8'));
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    if (method === 'DELETE') return undefined;
    throw new ApiError('BadRequest', `the body of the request could not be decoded as JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
