import { performance } from 'node:perf_hooks';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { Bucket } from '../store/bucket/bucket.js';
import type { SqlStore } from '../store/sql/open-sql.js';
import type { Metrics } from './metrics.js';

const SQL_OPS: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

/** Times every query from compile to result; a failed query is not observed (no result hook). */
class QueryTimingPlugin implements KyselyPlugin {
  // Keyed by the query's id object, so an entry of a failed query is collected with it.
  private readonly started = new WeakMap<QueryId, { at: number; op: string }>();

  constructor(private readonly metrics: Metrics) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.started.set(args.queryId, { at: performance.now(), op: SQL_OPS[args.node.kind] ?? 'other' });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.started.get(args.queryId);
    if (start) {
      this.metrics.storeLatency.observe({ store: 'sql', op: start.op }, (performance.now() - start.at) / 1000);
    }
    return args.result;
  }
}

/** The SQL store with every query timed into `cloudsage_store_latency_seconds{store="sql"}`. */
export function instrumentSql(sql: SqlStore, metrics: Metrics): SqlStore {
  return { ...sql, db: sql.db.withPlugin(new QueryTimingPlugin(metrics)) };
}

/** The bucket with each call timed into `cloudsage_store_latency_seconds{store="bucket"}`. */
export function instrumentBucket(bucket: Bucket, metrics: Metrics): Bucket {
  async function timed<T>(op: string, run: () => Promise<T>): Promise<T> {
    const at = performance.now();
    try {
      return await run();
    } finally {
      metrics.storeLatency.observe({ store: 'bucket', op }, (performance.now() - at) / 1000);
    }
  }
  return {
    put: (key, body, options) => timed('put', () => bucket.put(key, body, options)),
    get: (key) => timed('get', () => bucket.get(key)),
    list: (prefix) => bucket.list(prefix),
    delete: (key) => timed('delete', () => bucket.delete(key)),
    deletePrefix: (prefix) => timed('delete_prefix', () => bucket.deletePrefix(prefix)),
    ping: () => timed('ping', () => bucket.ping()),
    close: () => bucket.close(),
  };
}
