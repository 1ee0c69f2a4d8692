/**
 * The simulator runs no containers: what attach, exec, logs and port-forward get instead of a
 * stream (kubectl prints the message), so `kubectl debug node/… -it` fails plainly once its pod
 * is created.
 */
import type { MemoryStore } from '../store/memory-store.js';
import { ApiError } from './status.js';

/** Pod subresources that need a running container (kubectl attach, exec, logs, port-forward, debug -it). */
export const CONTAINER_SUBRESOURCES = new Set(['attach', 'exec', 'log', 'portforward']);

/** The honest answer to attach/exec/log/port-forward: the pod exists (or 404), but no container ever runs. */
export function noContainers(store: MemoryStore, namespace: string, name: string, subresource: string): ApiError {
  if (!store.get('Pod', namespace, name)) return new ApiError('NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
  const what = subresource === 'log' ? 'has no logs' : `cannot ${subresource === 'portforward' ? 'port-forward to' : subresource === 'exec' ? 'exec into' : 'attach to'} it`;
  return new ApiError('BadRequest', `pod "${name}" runs in the sdrain simulator, which runs no containers: it ${what}`, { name, kind: 'pods' });
}

