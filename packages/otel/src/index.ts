// The public surface of @cloudsage/otel, in one place (STYLE habit 2).
export type { ClientStats, FlushResult, Level } from '@cloudsage/node';
export { CloudSageError } from '@cloudsage/node';
export type { OtelErrorCode } from './errors.js';
export { ERROR_CODES } from './errors.js';
export { CloudSageLogRecordExporter } from './exporter.js';
export type { CloudSageOtelOptions } from './options.js';
export type { ToRecordOptions } from './to-record.js';
export { levelOf, toRecord } from './to-record.js';
