import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { connect } from './connect.js';
import { toClusterError } from './api-error.js';
import { ClusterError, SdrainError } from '../errors.js';

const TOKEN = 'super-secret-token-123';

function kubeconfig(name: string, server: string, extra = ''): string {
  return `apiVersion: v1
kind: Config
current-context: ${name}
clusters:
- name: ${name}
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: ${name}
  user:
    token: ${TOKEN}
contexts:
- name: ${name}
  context:
    cluster: ${name}
    user: ${name}
${extra}`;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdrain-connect-'));
  writeFileSync(join(dir, 'a.yaml'), kubeconfig('alpha', 'http://127.0.0.1:1'));
  writeFileSync(join(dir, 'b.yaml'), kubeconfig('beta', 'https://beta.example:6443'));
  writeFileSync(join(dir, 'dup.yaml'), kubeconfig('alpha', 'https://shadowed.example:6443'));
  writeFileSync(join(dir, 'bad.yaml'), 'clusters: [ {');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('connect', () => {
  it('loads --kubeconfig relative to cwd and reports the server and context', () => {
    const c = connect({ kubeconfig: 'a.yaml', env: {}, cwd: dir });
    expect(c.server).toBe('http://127.0.0.1:1');
    expect(c.context).toBe('alpha');
  });

  it('merges the KUBECONFIG list like kubectl: missing files skipped, first definition and current-context win', () => {
    const list = [join(dir, 'missing.yaml'), join(dir, 'a.yaml'), join(dir, 'dup.yaml'), join(dir, 'b.yaml')].join(':');
    const c = connect({ env: { KUBECONFIG: list }, cwd: dir });
    expect(c.context).toBe('alpha');
    expect(c.server).toBe('http://127.0.0.1:1');
    expect(connect({ env: { KUBECONFIG: list }, cwd: dir, context: 'beta' }).server).toBe('https://beta.example:6443');
  });

  it('uses the in-cluster service account last, like client-go (IPv6 hosts bracketed, port 80/8080 plain HTTP)', () => {
    const home = mkdtempSync(join(tmpdir(), 'sdrain-home-'));
    const sa = join(home, 'sa');
    mkdirSync(sa);
    try {
      const env = { HOME: home, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
      // No token file there: nothing to use.
      expect(() => connect({ env: { ...env, SDRAIN_SERVICEACCOUNT_DIR: sa }, cwd: dir })).toThrow(/Cannot find a Kubernetes configuration/);
      writeFileSync(join(sa, 'token'), TOKEN);
      writeFileSync(join(sa, 'ca.crt'), 'not read until a request is made');
      const c = connect({ env: { ...env, SDRAIN_SERVICEACCOUNT_DIR: sa }, cwd: dir });
      expect([c.server, c.context]).toEqual(['https://10.96.0.1:443', 'in-cluster']);
      expect(c.kc.getCurrentCluster()?.caFile).toBe(join(sa, 'ca.crt'));
      expect(connect({ env: { ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }, serviceAccountDir: sa, cwd: dir }).server).toBe('https://[fd00::1]:443');
      expect(connect({ env: { ...env, KUBERNETES_SERVICE_PORT: '8080' }, serviceAccountDir: sa, cwd: dir }).server).toBe('http://10.96.0.1:8080');
      // A kubeconfig, when there is one, wins over the service account.
      expect(connect({ env: { ...env, SDRAIN_SERVICEACCOUNT_DIR: sa, KUBECONFIG: join(dir, 'b.yaml') }, cwd: dir }).context).toBe('beta');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('falls back to ~/.kube/config', () => {
    const home = mkdtempSync(join(tmpdir(), 'sdrain-home-'));
    try {
      expect(() => connect({ env: { HOME: home }, cwd: dir })).toThrow(/Cannot find a Kubernetes configuration/);
      const kube = join(home, '.kube');
      mkdirSync(kube);
      writeFileSync(join(kube, 'config'), kubeconfig('home', 'https://home.example'));
      expect(connect({ env: { HOME: home }, cwd: dir }).server).toBe('https://home.example');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses an unknown context, naming the known ones', () => {
    let err: unknown;
    try {
      connect({ kubeconfig: join(dir, 'a.yaml'), context: 'nope', env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SdrainError);
    expect((err as SdrainError).message).toBe('Cannot use context "nope": it is not in the kubeconfig');
    expect((err as SdrainError).hint).toContain('alpha');
  });

  it('reports a missing or unreadable kubeconfig without a stack', () => {
    expect(() => connect({ kubeconfig: join(dir, 'none.yaml'), env: {} })).toThrow(/no such file/);
    expect(() => connect({ kubeconfig: join(dir, 'bad.yaml'), env: {} })).toThrow(/Cannot read kubeconfig/);
  });
});

describe('toClusterError on a real client-node failure', () => {
  it('handles what a real client-node call throws', async () => {
    let seenAuth = '';
    const server: Server = createServer((req, res) => {
      seenAuth = String(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      writeFileSync(join(dir, 'live.yaml'), kubeconfig('live', `http://127.0.0.1:${port}`));
      const { kc } = connect({ kubeconfig: join(dir, 'live.yaml'), env: {} });
      const thrown = await kc.makeApiClient(CoreV1Api).listNode().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(seenAuth).toBe(`Bearer ${TOKEN}`);
      const err = toClusterError(thrown, { action: 'list nodes' }) as ClusterError;
      expect(err.message).toBe('Cannot list nodes: Unauthorized');
      expect(err.status).toBe(401);
      expect(`${err.message}\n${err.hint}`).not.toContain(TOKEN);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
