// The public surface of @cloudsage/node on Cloudflare Workers, Vercel Edge and Deno (the `workerd`,
// `worker`, `edge-light` and `deno` export conditions, and `@cloudsage/node/edge`): the Node entry's
// client and helpers with the web runtime, and nothing that loads a Node built-in. A test checks that
// every name here is exported by the Node entry too, and that the built file imports no `node:` module.
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
export type { Batch } from './batch.js';
export { splitBatch } from './batch.js';
export type { DropPolicy } from './buffer.js';
export type { CloudSageCore, FlushOptions } from './client.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export { CloudSage, createBatch } from './cloudsage-web.js';
export { givenUpCode } from './deliver.js';
export type { CloudSageErrorCode, CloudSageErrorInit } from './errors.js';
export { CloudSageError, ERROR_CODES } from './errors.js';
export type { FlushResult } from './flush.js';
export type { HttpClient, HttpRequest, HttpResponse } from './http.js';
export type { FetchLike } from './http-fetch.js';
export { createFetchHttp } from './http-fetch.js';
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
