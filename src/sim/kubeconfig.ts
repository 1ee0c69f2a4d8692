/**
 * The kubeconfig that points kubectl and client-node at a simulator: the CA as
 * certificate-authority-data and the bearer token, one context named `sdrain-sim`.
 */
import { stringify } from 'yaml';

export interface KubeconfigInput {
  url: string;
  caPem: string;
  token: string;
  /** Context, cluster and user name. */
  name?: string;
  namespace?: string;
}

/** YAML text of a kubeconfig for the simulator. */
export function buildKubeconfig(input: KubeconfigInput): string {
  const name = input.name ?? 'sdrain-sim';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.url, 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') } }],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(input.namespace ? { namespace: input.namespace } : {}) } }],
    'current-context': name,
    preferences: {},
  });
}
