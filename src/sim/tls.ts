/**
 * A throwaway certificate authority and a serving certificate for 127.0.0.1, made fresh at
 * every simulator start (kubectl only sends the bearer token over TLS, so HTTPS is required).
 * EC P-256 keeps generation fast enough for per-test simulators.
 */
import { generate } from 'selfsigned';

export interface SimulatorTls {
  /** PEM of the CA that signed the serving certificate; goes into the kubeconfig. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Generates the CA and the serving certificate (SANs 127.0.0.1, ::1 and localhost). */
export async function generateTls(now: Date = new Date()): Promise<SimulatorTls> {
  const notBeforeDate = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfterDate = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'sdrain-sim-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'sdrain-sim' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { caPem: ca.cert, certPem: leaf.cert, keyPem: leaf.private };
}
