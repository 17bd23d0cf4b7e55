// Every run of the bench: which logger, which shipper, and the row the others are compared to.
// `module` holds the set-up; it is imported only in the run's own child process.

/** @typedef {{ id: string, logger: 'pino' | 'winston' | 'otel', label: string, module: string, baseline?: boolean, cloudsage?: boolean, local?: boolean }} BenchCase */

/** @type {BenchCase[]} */
export const CASES = [
  {
    id: 'pino-file',
    logger: 'pino',
    label: '`pino/file` to /dev/null (floor)',
    module: './pino.mjs',
    baseline: true,
    local: true,
  },
  { id: 'pino-cloudsage', logger: 'pino', label: '@cloudsage/pino (transport)', module: './pino.mjs', cloudsage: true },
  {
    id: 'pino-cloudsage-stream',
    logger: 'pino',
    label: '@cloudsage/pino `createStream` (app thread)',
    module: './pino.mjs',
    cloudsage: true,
  },
  {
    id: 'pino-bare-http',
    logger: 'pino',
    label: 'bare HTTP forward, no gzip (floor over HTTP; not a shipper)',
    module: './pino.mjs',
  },
  {
    id: 'pino-bare-http-gzip',
    logger: 'pino',
    label: 'bare HTTP forward, gzip level 6 as @cloudsage/node (floor over HTTP; not a shipper)',
    module: './pino.mjs',
  },
  {
    id: 'pino-bare-http-gzip1',
    logger: 'pino',
    label: 'bare HTTP forward, gzip level 1 (floor over HTTP; not a shipper)',
    module: './pino.mjs',
  },
  { id: 'pino-axiom', logger: 'pino', label: '@axiomhq/pino', module: './pino.mjs' },
  { id: 'pino-logtail', logger: 'pino', label: '@logtail/pino', module: './pino.mjs' },
  { id: 'pino-loki', logger: 'pino', label: 'pino-loki', module: './pino.mjs' },
  {
    id: 'winston-file',
    logger: 'winston',
    label: 'File transport to /dev/null (floor)',
    module: './winston.mjs',
    baseline: true,
    local: true,
  },
  { id: 'winston-cloudsage', logger: 'winston', label: '@cloudsage/winston', module: './winston.mjs', cloudsage: true },
  { id: 'winston-http', logger: 'winston', label: 'winston Http transport', module: './winston.mjs' },
  {
    id: 'otel-otlp-batch',
    logger: 'otel',
    label: 'OTLP HTTP exporter, Batch processor, maxQueueSize 1M (baseline)',
    module: './otel.mjs',
    baseline: true,
  },
  {
    id: 'otel-otlp-batch-default',
    logger: 'otel',
    label: 'OTLP HTTP exporter, Batch processor, defaults',
    module: './otel.mjs',
  },
  {
    id: 'otel-cloudsage-batch',
    logger: 'otel',
    label: '@cloudsage/otel, Batch processor, maxQueueSize 1M',
    module: './otel.mjs',
    cloudsage: true,
  },
  {
    id: 'otel-cloudsage-simple',
    logger: 'otel',
    label: '@cloudsage/otel, Simple processor (README set-up)',
    module: './otel.mjs',
    cloudsage: true,
  },
];

/**
 * A shipper and the floor it is held to like for like, with the target ratio of their wall times
 * (issue #21: @cloudsage/pino's transport within 1.1x of the bare HTTP forward that also gzips at level 6).
 * @type {Array<{ shipper: string, floor: string, target: number }>}
 */
export const LIKE_FOR_LIKE = [{ shipper: 'pino-cloudsage', floor: 'pino-bare-http-gzip', target: 1.1 }];
