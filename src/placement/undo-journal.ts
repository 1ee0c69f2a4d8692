/**
 * The one rollback mechanism of a what-if placement: every change to a journaled PlacementState,
 * to its Scheduler's node-sampling rotation and to the planner's own bookkeeping records how to
 * undo itself here, so a tried wave can be rolled back exactly (or committed) without copying a
 * 150,000-pod state. Undo steps run newest first and are not journaled themselves.
 */
export class UndoJournal {
  private steps: (() => void)[] = [];
  private undoing = false;

  /** Records how to undo a change just made (ignored while rolling back). */
  record(undo: () => void): void {
    if (!this.undoing) this.steps.push(undo);
  }

  /** Number of changes since the last commit or rollback. */
  get size(): number {
    return this.steps.length;
  }

  /** Keeps every change made so far: they can no longer be undone. */
  commit(): void {
    this.steps = [];
  }

  /** Undoes every change since the last commit, newest first. */
  rollback(): void {
    this.undoing = true;
    try {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) step();
    } finally {
      this.undoing = false;
    }
  }
}
