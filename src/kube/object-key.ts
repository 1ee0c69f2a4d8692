/**
 * The one key format for an object within its kind: `namespace/name` ("" as the namespace of
 * cluster-scoped objects). Used for maps, sorting, the fingerprint's keys and watch caches.
 */
export function objectKeyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** objectKeyOf of an object. */
export function keyOfObject(o: { metadata: { namespace?: string; name: string } }): string {
  return objectKeyOf(o.metadata.namespace, o.metadata.name);
}
