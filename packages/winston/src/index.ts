// The public surface of @cloudsage/winston, in one place (STYLE habit 2).
export type { ClientStats, FlushOptions, FlushResult, Level } from '@cloudsage/node';
export { CloudSageError } from '@cloudsage/node';
export type { WinstonErrorCode } from './errors.js';
export { ERROR_CODES } from './errors.js';
export { toCloudSageLevel } from './level-map.js';
export type { CloudSageWinstonOptions } from './options.js';
export { toRecord } from './to-record.js';
export type { TraceApi, TraceFormatOptions } from './trace-format.js';
export { cloudsageTraceFormat } from './trace-format.js';
export { CloudSageTransport } from './transport.js';
