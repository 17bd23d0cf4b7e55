import { gunzipSync } from 'node:zlib';
import { openBucket } from '../../../src/store/bucket/open-bucket.js';
import { openSql } from '../../../src/store/sql/open-sql.js';

/** Where a backend keeps its data (the same settings its environment names). */
export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string | undefined;
  bucketUrl?: string | undefined;
  bucketCredentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** The data dir of a directory bucket, when not `dataDir` (in-process test apps nest it). */
  bucketDataDir?: string;
}

/** What the stores hold for one project, read straight from them (the backend stopped). */
export interface StoredRecords {
  /** How many times each record `msg` is stored. */
  counts: Map<string, number>;
  /** Committed batch rows whose object is missing or holds another number of lines than the row says. */
  damaged: string[];
  /** Objects under the project's logs that no committed batch names (half-stored batches). */
  orphans: string[];
}

/** Reads every committed batch of the project: its row in SQL, its object in the bucket. */
export async function readStoredRecords(at: StoreLocation, projectId: string): Promise<StoredRecords> {
  const sql = await openSql({ dataDir: at.dataDir, databaseUrl: at.databaseUrl });
  const bucket = openBucket({
    dataDir: at.bucketDataDir ?? at.dataDir,
    bucketUrl: at.bucketUrl,
    bucketCredentials: at.bucketCredentials,
  });
  const counts = new Map<string, number>();
  const damaged: string[] = [];
  const orphans: string[] = [];
  try {
    const rows = await sql.db
      .selectFrom('ingest_batches')
      .select(['object_key', 'records'])
      .where('project_id', '=', projectId)
      .execute();
    for (const row of rows) {
      if (!row.object_key) continue;
      const bytes = await bucket.get(row.object_key);
      if (!bytes) {
        damaged.push(`${row.object_key}: missing`);
        continue;
      }
      const lines = gunzipSync(bytes).toString('utf8').split('\n').filter(Boolean);
      if (lines.length !== Number(row.records)) damaged.push(`${row.object_key}: ${lines.length}/${row.records} lines`);
      for (const line of lines) {
        const msg = (JSON.parse(line) as { msg: string }).msg;
        counts.set(msg, (counts.get(msg) ?? 0) + 1);
      }
    }
    const named = new Set(rows.map((r) => r.object_key));
    for await (const key of bucket.list(`logs/${projectId}/`)) if (!named.has(key)) orphans.push(key);
  } finally {
    await bucket.close();
    await sql.close();
  }
  return { counts, damaged, orphans };
}

/** Compares what was acknowledged with what is stored: lost ids, duplicated ids, ids nobody sent. */
export function compareStored(logged: readonly string[], stored: StoredRecords) {
  const sent = new Set(logged);
  const lost = logged.filter((id) => !stored.counts.has(id));
  const duplicated = [...stored.counts].filter(([, n]) => n > 1).map(([id]) => id);
  const unknown = [...stored.counts.keys()].filter((id) => !sent.has(id));
  return { lost, duplicated, unknown, found: logged.length - lost.length };
}
