/**
 * Plain code-unit comparators: the planner never uses localeCompare, so identical inputs give
 * identical bytes on every machine and locale.
 */
import type { KubeObject, ObjectRef } from '../model/k8s.js';
import { compareStrings } from '../placement/compare-strings.js';

/** Code-unit order, like Go's string comparison (the one copy lives beside placement, which the simulator shares). */
export { compareStrings };

/** Objects by namespace, name, uid — the snapshot's canonical order. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (
    compareStrings(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compareStrings(a.metadata.name, b.metadata.name) ||
    compareStrings(a.metadata.uid ?? '', b.metadata.uid ?? '')
  );
}

/** References by kind, namespace, name. */
export function compareRefs(a: ObjectRef | undefined, b: ObjectRef | undefined): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  return (
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.namespace ?? '', b.namespace ?? '') ||
    compareStrings(a.name, b.name)
  );
}

/** A stable map key for a namespaced object. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/** `"ns/name"` as quoted in messages. */
export function qualifiedName(ref: { namespace?: string; name: string }): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}
