import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { readBatchObject } from '../../../src/services/logs/batch-reader.js';
import type { Bucket } from '../../../src/store/bucket/bucket.js';
import { openBucket } from '../../../src/store/bucket/open-bucket.js';

/**
 * The record ids (`msg`) a running backend has committed so far, per project: its batch rows read from
 * its SQLite file (WAL lets a reader in beside the writer) and each new row's object read once from its
 * directory bucket. For watching delivery while the backend runs; what is stored in the end, and how
 * often, is `readStoredRecords`' to say.
 */
export class CommittedIds {
  readonly #bucket: Bucket;
  readonly #objectsRead = new Set<string>();
  readonly #ids = new Map<string, Set<string>>();

  constructor(private readonly dataDir: string) {
    this.#bucket = openBucket({ dataDir, bucketUrl: undefined, bucketCredentials: undefined });
  }

  /** Reads the batches committed since the last poll; a database it cannot open yet reads as no news. */
  async poll(): Promise<void> {
    let rows: { projectId: string; key: string }[];
    let db: SQLite.Database | undefined;
    try {
      db = new SQLite(join(this.dataDir, 'cloudsage.db'), { readonly: true, fileMustExist: true });
      rows = db
        .prepare('SELECT project_id AS projectId, object_key AS key FROM ingest_batches WHERE object_key IS NOT NULL')
        .all() as { projectId: string; key: string }[];
    } catch {
      return;
    } finally {
      db?.close();
    }
    for (const row of rows) {
      if (this.#objectsRead.has(row.key)) continue;
      const read = await readBatchObject(this.#bucket, row.key);
      if (read.status !== 'read') continue;
      this.#objectsRead.add(row.key);
      const ids = this.#ids.get(row.projectId) ?? new Set<string>();
      this.#ids.set(row.projectId, ids);
      for (const { record } of read.records) ids.add(record.msg);
    }
  }

  /** Whether the project has a record with this id. */
  has(projectId: string, id: string): boolean {
    return this.#ids.get(projectId)?.has(id) ?? false;
  }

  /** How many distinct ids the project has. */
  count(projectId: string): number {
    return this.#ids.get(projectId)?.size ?? 0;
  }

  async close(): Promise<void> {
    await this.#bucket.close();
  }
}
