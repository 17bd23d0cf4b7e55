// The public surface of @cloudsage/node, in one place (STYLE habit 2).
export type {
  DropCounts,
  DropReason,
  Feedback,
  FeedbackRequest,
  Forecast,
  Level,
  Project,
  RiskHistory,
} from '@cloudsage/schema';
// The one level vocabulary, for the integrations to map their loggers' levels through.
export { isLevel, levelFromName, levelFromSeverityNumber } from '@cloudsage/schema';
export type { Batch } from './batch.js';
export { splitBatch } from './batch.js';
export type { DropPolicy } from './buffer.js';
export { BURST_BUFFER_DEFAULTS, withBurstBufferDefaults } from './burst-defaults.js';
export type { CloudSageCore, FlushOptions } from './client.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export { CloudSage, createBatch, emitCloudSageWarning } from './cloudsage-node.js';
export { givenUpCode } from './deliver.js';
export type { CloudSageErrorCode, CloudSageErrorInit } from './errors.js';
export { CloudSageError, ERROR_CODES } from './errors.js';
export type { FlushResult } from './flush.js';
export type { HttpClient, HttpRequest, HttpResponse } from './http.js';
export type { FetchLike } from './http-fetch.js';
export { createFetchHttp } from './http-fetch.js';
export { createNodeHttp } from './http-node.js';
export { createUndiciHttp } from './http-undici.js';
export type { SinkBatch } from './in-memory-sender.js';
export { InMemorySender, InMemorySink } from './in-memory-sender.js';
export type { BeforeSend, CloudSageOptions, LogInput } from './options.js';
export type { RiskHistoryOptions, SendFeedbackInput } from './read-api.js';
export type { RedactOptions, RedactPattern } from './redact.js';
export { createRedactor, DEFAULT_PATTERN_NAMES, DEFAULT_REPLACEMENT } from './redact.js';
export type { RetryOptions } from './retry-policy.js';
export { backoffDelay, isHeldStatus, isRetryableStatus, parseRetryAfter } from './retry-policy.js';
export type { IngestSenderOptions, Sender, SendResult, Transport } from './send.js';
export { createIngestSender } from './send.js';
export type { ClientStats } from './shipper.js';
export type { TraceContextApi, TraceIds } from './trace-context.js';
export { isTraceContextApi, loadTraceContextApi, readTraceContext, traceIdsOf } from './trace-context.js';
