// The public surface of @cloudsage/pino, in one place (STYLE habit 2).
export type { ClientStats, FlushResult } from '@cloudsage/node';
export { CloudSageError } from '@cloudsage/node';
export type { PinoErrorCode } from './errors.js';
export { ERROR_CODES } from './errors.js';
export type { CloudSageMixinOptions, TraceApi, TraceFields } from './mixin.js';
export { cloudsageMixin } from './mixin.js';
export type { CloudSagePinoOptions } from './options.js';
export type { CloudSageStream } from './transport.js';
export { createStream, default, default as cloudsageTransport } from './transport.js';
