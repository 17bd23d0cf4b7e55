import type { SqlStore } from '../../store/sql/open-sql.js';
import { type BatchCommit, commitBatch, commitBatches } from './commit-batch.js';

// 23 values a batch row; 64 rows stay far inside SQLite's 32,766 and PostgreSQL's 65,535 variables.
const MAX_GROUP = 64;

interface Waiting {
  commit: BatchCommit;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit: batches that finish while a transaction is running wait for it, then commit
 * together in the next one (at most MAX_GROUP). Each caller's promise settles only once its own
 * rows are committed, so a 202 still means durable. A group that fails (a replayed key's unique
 * violation, a store error) is retried batch by batch, so every batch gets exactly the outcome it
 * would have had alone. A lone batch takes the single-batch path at once, adding no wait.
 */
class GroupCommitter {
  readonly #store: SqlStore;
  #queue: Waiting[] = [];
  #running = false;

  constructor(store: SqlStore) {
    this.#store = store;
  }

  commit(commit: BatchCommit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ commit, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, MAX_GROUP);
        if (group.length > 1) {
          try {
            await commitBatches(
              this.#store,
              group.map((w) => w.commit),
            );
            for (const w of group) w.resolve();
            continue;
          } catch {
            // Nothing of the group was written; each batch now commits alone for its own outcome.
          }
        }
        for (const w of group) {
          await commitBatch(this.#store, w.commit).then(w.resolve, w.reject);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

const committers = new WeakMap<SqlStore, GroupCommitter>();

/**
 * Commits a batch (see `commitBatch`), sharing a transaction with the other batches of the same
 * store that are ready at the same time. Resolves once the batch's rows are committed.
 *
 * @example
 * await commitBatchGrouped(app.sql, commit);
 */
export function commitBatchGrouped(store: SqlStore, commit: BatchCommit): Promise<void> {
  let committer = committers.get(store);
  if (!committer) {
    committer = new GroupCommitter(store);
    committers.set(store, committer);
  }
  return committer.commit(commit);
}
