/**
 * ControllerRevisions for StatefulSets and DaemonSets: one per distinct pod template, named
 * `<owner>-<hash>`, numbered in creation order; the pods carry the name in the
 * controller-revision-hash label. data holds `{ spec: { template } }` so an old revision's
 * template can be used to recreate pods below a partition.
 */
import type { ControllerRevision, KubeObject, PodTemplate } from '../../model/k8s.js';
import type { ControllerContext } from './controller.js';
import { controllerRef } from './pod-template.js';
import { computeTemplateHash, stableJson } from './template-hash.js';

/** Pod label naming the revision a pod was made from (StatefulSet: the revision name; DaemonSet: the hash). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** The pod template a revision stores, without the `$patch: replace` marker real revisions carry. */
export function revisionTemplate(rev: ControllerRevision | undefined): PodTemplate | undefined {
  const t = (rev?.data as { spec?: { template?: PodTemplate & { $patch?: string } } } | undefined)?.spec?.template;
  if (!t || t.$patch === undefined) return t;
  const { $patch: _replace, ...rest } = t;
  void _replace;
  return rest;
}

/** The revisions owned by `owner`, oldest revision number first. */
export function revisionsOf(ctx: ControllerContext, owner: KubeObject): ControllerRevision[] {
  return ctx.cache.controlledBy<ControllerRevision>('ControllerRevision', owner.metadata.uid ?? '').sort((a, b) => a.revision - b.revision || (a.metadata.name < b.metadata.name ? -1 : 1));
}

/**
 * The revision for `owner`'s current template: an existing one with an equal template (its
 * revision number raised to the newest, as upstream does on rollback), or a new one.
 *
 * `trusted` names the revision the owner's status already reports for an observed spec (a
 * cluster loaded from a dump): our hashes differ from the real ones, so without this every
 * loaded StatefulSet would start rolling its pods. That revision is reused (created with the
 * current template when the dump lacks it).
 */
export function ensureRevision(ctx: ControllerContext, owner: KubeObject, template: PodTemplate, trusted?: string, collisionCount?: number): ControllerRevision {
  const revisions = revisionsOf(ctx, owner);
  if (trusted) {
    const named = revisions.find((r) => r.metadata.name === trusted) ?? ctx.cache.get<ControllerRevision>('ControllerRevision', owner.metadata.namespace, trusted);
    if (named) return named;
    return createRevision(ctx, owner, template, trusted, revisions);
  }
  const wanted = stableJson(template);
  const max = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
  const equal = revisions.filter((r) => stableJson(revisionTemplate(r)) === wanted);
  const existing = equal[equal.length - 1];
  if (existing) {
    if (existing.revision === max) return existing;
    return ctx.store.mutate<ControllerRevision>('ControllerRevision', existing.metadata.namespace, existing.metadata.name, (o) => {
      o.revision = max + 1;
    }) ?? existing;
  }
  const name = `${owner.metadata.name}-${computeTemplateHash(template, collisionCount)}`;
  const clash = ctx.cache.get<ControllerRevision>('ControllerRevision', owner.metadata.namespace, name);
  if (clash) {
    // A hash collision with an unrelated template: use the next collision count.
    return ensureRevision(ctx, owner, template, undefined, (collisionCount ?? 0) + 1);
  }
  return createRevision(ctx, owner, template, name, revisions);
}

function createRevision(ctx: ControllerContext, owner: KubeObject, template: PodTemplate, name: string, revisions: ControllerRevision[]): ControllerRevision {
  const max = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
  return ctx.store.create<ControllerRevision>({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: name.slice(owner.metadata.name.length + 1) },
      ownerReferences: [controllerRef(owner)],
    },
    data: { spec: { template } },
    revision: max + 1,
  });
}
