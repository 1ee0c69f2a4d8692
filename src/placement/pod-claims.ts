import type { V1Volume } from '@kubernetes/client-node';
import type { Pod } from '../model/k8s.js';

/** The claim a generic ephemeral volume uses: `<pod name>-<volume name>` (upstream's VolumeClaimName). */
export function ephemeralClaimName(pod: Pod, volume: Pick<V1Volume, 'name'>): string {
  return `${pod.metadata.name}-${volume.name}`;
}

/** Names of the PVCs a pod mounts (persistentVolumeClaim volumes and generic ephemeral volumes). */
export function podClaimNames(pod: Pod): string[] {
  const names: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(ephemeralClaimName(pod, v));
  }
  return names;
}
