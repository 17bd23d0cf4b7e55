import type { Kysely, Transaction } from 'kysely';
import type { Database } from './sql/database.js';

/** Per-project JSON values in SQL, the Memory role (docs/architecture.md, "Memory"): baselines, template tables. */
export interface Memory {
  get<T>(projectId: string, key: string): Promise<T | undefined>;
  put(projectId: string, key: string, value: unknown, tx?: Transaction<Database>): Promise<void>;
}

/**
 * Memory over the `memory` table of the SQL store; works on both dialects.
 *
 * @example
 * const memory = sqlMemory(app.sql.db, Date.now);
 * await memory.put(projectId, 'baseline', baseline);
 */
export function sqlMemory(db: Kysely<Database>, now: () => number): Memory {
  return {
    async get<T>(projectId: string, key: string): Promise<T | undefined> {
      const row = await db
        .selectFrom('memory')
        .select('value')
        .where('project_id', '=', projectId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) return undefined;
      try {
        return JSON.parse(row.value) as T;
      } catch {
        // A value that no longer parses is treated as absent rather than failing every read.
        return undefined;
      }
    },
    async put(projectId, key, value, tx) {
      const t = now();
      await (tx ?? db)
        .insertInto('memory')
        .values({ project_id: projectId, key, value: JSON.stringify(value), updated_at: t })
        .onConflict((oc) =>
          oc.columns(['project_id', 'key']).doUpdateSet({ value: JSON.stringify(value), updated_at: t }),
        )
        .execute();
    },
  };
}
