import { type Kysely, sql } from 'kysely';

// Portable types: BIGINT epoch ms and DOUBLE PRECISION read the same on SQLite and PostgreSQL.
const ms = 'bigint' as const;
const float = 'double precision' as const;

/** Creates every table of the first release. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('revoked_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', ms, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('alert_url', 'text')
    .addColumn('alert_threshold', float)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_user').on('projects').column('user_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_used_at', ms)
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('api_keys_project').on('api_keys').column('project_id').execute();

  await db.schema
    .createTable('ingest_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key_id', 'text')
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('received_at', ms, (c) => c.notNull())
    .addColumn('min_time', ms, (c) => c.notNull())
    .addColumn('max_time', ms, (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('count_trace', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_debug', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_info', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_warn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_error', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_fatal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dropped_overflow', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dropped_oversize', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dropped_before_send', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('response', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ingest_batches_idem')
    .on('ingest_batches')
    .columns(['project_id', 'idempotency_key'])
    .unique()
    .execute();
  // The dispatcher reads a scoring window's batches by ingest time.
  await db.schema
    .createIndex('ingest_batches_received')
    .on('ingest_batches')
    .columns(['project_id', 'received_at'])
    .execute();
  await db.schema
    .createIndex('ingest_batches_time')
    .on('ingest_batches')
    .columns(['project_id', 'max_time', 'min_time'])
    .execute();

  await db.schema
    .createTable('minute_metrics')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('minute', ms, (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('count_trace', 'integer', (c) => c.notNull())
    .addColumn('count_debug', 'integer', (c) => c.notNull())
    .addColumn('count_info', 'integer', (c) => c.notNull())
    .addColumn('count_warn', 'integer', (c) => c.notNull())
    .addColumn('count_error', 'integer', (c) => c.notNull())
    .addColumn('count_fatal', 'integer', (c) => c.notNull())
    .addColumn('latency_count', 'integer', (c) => c.notNull())
    .addColumn('latency_sum', float, (c) => c.notNull())
    .addColumn('latency_max', float, (c) => c.notNull())
    .addColumn('memory_max_mb', float, (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('minute_metrics_pk', ['project_id', 'minute'])
    .execute();

  await db.schema
    .createTable('scoring_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('window_start', ms, (c) => c.notNull())
    .addColumn('window_end', ms, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', ms, (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('lease_until', ms)
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // One pending job per project: later batches join it (docs/architecture.md, "Ingest path").
  await sql`create unique index scoring_jobs_one_pending on scoring_jobs (project_id) where status = 'pending'`.execute(
    db,
  );
  await db.schema.createIndex('scoring_jobs_due').on('scoring_jobs').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('risk_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('window_start', ms, (c) => c.notNull())
    .addColumn('timestamp', ms, (c) => c.notNull())
    .addColumn('score', float, (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('signals', 'text', (c) => c.notNull())
    .addColumn('explanations', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addUniqueConstraint('risk_history_window', ['project_id', 'window_start'])
    .execute();
  await db.schema.createIndex('risk_history_time').on('risk_history').columns(['project_id', 'timestamp']).execute();

  await db.schema
    .createTable('forecasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forecasts_day').on('forecasts').columns(['project_id', 'date', 'created_at']).execute();

  await db.schema
    .createTable('forecast_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('forecast_id', 'text', (c) => c.notNull().references('forecasts.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'text')
    .addColumn('key_id', 'text')
    .addColumn('accurate', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forecast_feedback_project').on('forecast_feedback').column('project_id').execute();

  await db.schema
    .createTable('memory')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('memory_pk', ['project_id', 'key'])
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
}

/** Drops every table of the first release. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'leases',
    'memory',
    'forecast_feedback',
    'forecasts',
    'risk_history',
    'scoring_jobs',
    'minute_metrics',
    'ingest_batches',
    'api_keys',
    'projects',
    'rate_limits',
    'revoked_tokens',
    'users',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
