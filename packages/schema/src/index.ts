export { API_KEY_PREFIX, ApiKey, CreateApiKeyRequest, CreatedApiKey, KeyScope } from './api-key.js';
export {
  Credentials,
  LoginResponse,
  MeResponse,
  MIN_PASSWORD_LENGTH,
  RegisterResponse,
  User,
} from './auth.js';
export {
  BASELINE_VERSION,
  Baseline,
  MAX_BASELINE_RUNS,
  MAX_BASELINE_TEMPLATES,
  MAX_TEMPLATE_PATTERN,
  RobustStat,
  Template,
} from './baseline.js';
export type { DropCounts, DropReason } from './dropped-header.js';
export {
  DROP_REASONS,
  emptyDropCounts,
  formatDroppedHeader,
  parseDroppedHeader,
} from './dropped-header.js';
export { ErrorBody } from './error-body.js';
export { IngestEvent, ProjectEvent } from './events.js';
export { Feedback, FeedbackRequest } from './feedback.js';
export {
  ActionEvidence,
  Forecast,
  ForecastBasis,
  ForecastNow,
  ForecastPoint,
  GeneratedBy,
  ScoreContribution,
} from './forecast.js';
export { IngestEnvelope, IngestError, IngestResponse } from './ingest.js';
export {
  isLevel,
  LEVEL_RANK,
  LEVELS,
  Level,
  levelFromName,
  levelFromPinoNumber,
  levelFromSeverityNumber,
} from './level.js';
export { LIMITS, TRUNCATED_ATTRIBUTE } from './limits.js';
export { LogRecord } from './log-record.js';
export { FacetValues, LogFacets, LogsPage, ScanBudget } from './logs-page.js';
export type { CriLine } from './normalize/container-record.js';
export { containerLine, criLine } from './normalize/container-record.js';
export { leadingTimestamp } from './normalize/leading-time.js';
export { levelFromText } from './normalize/level.js';
export type { NormalizeResult } from './normalize/normalize-record.js';
export {
  normalizeLine,
  normalizeRecord,
  ORIGINAL_LEVEL_ATTRIBUTE,
  ORIGINAL_TIME_ATTRIBUTE,
} from './normalize/normalize-record.js';
export type { StoredLine } from './normalize/stored-line.js';
export { checkStoredLine } from './normalize/stored-line.js';
export type { TimeInput } from './normalize/time.js';
export { parseTime } from './normalize/time.js';
export {
  AlertConfig,
  CreateProjectRequest,
  Project,
  Trend,
  UpdateProjectRequest,
} from './project.js';
export { Explanation, RISK_LABELS, RiskHistory, RiskPoint, Score, Signals } from './risk-point.js';
export { ScoreRequest, ScoreResponse, ScoreWindow } from './score.js';
export {
  ACCEPT_POST_HEADER,
  API_KEY_HEADER,
  DROPPED_HEADER,
  IDEMPOTENCY_KEY_HEADER,
  INGEST_PATH,
  PROJECT_HEADER,
  SCORE_NDJSON_CONTENT_TYPE,
} from './wire-headers.js';
