/**
 * Every error the agent reports has a stable `code` from this table (never reused) and the class
 * {@link AgentError}. The README's errors table and `test/errors-contract.test.ts` are kept in step
 * with it (both ways).
 */
export const AGENT_ERROR_CODES = Object.freeze({
  usage: 'The command line could not be parsed (unknown flag, missing value, unknown command).',
  invalid_config: 'The merged configuration (flags, environment, config file) failed validation.',
  config_file: 'The config file could not be read or is not valid JSON.',
  read_failed: 'A read API call (forecast, history) failed; the message names the HTTP status.',
  ingest_unauthorized: '`ship`: the backend refused the API key (401: unknown or revoked; 403: no ingest scope).',
  project_not_found: '`ship`: the backend knows no such project for this key (404 naming the project).',
  endpoint_not_cloudsage: '`ship`: the endpoint answered 404 for the ingest path: it is not a CloudSage backend.',
} as const);

/** A stable agent error code; see {@link AGENT_ERROR_CODES}. */
export type AgentErrorCode = keyof typeof AGENT_ERROR_CODES;

/**
 * Exit status of the `cloudsage` command for each error code: 2 = the user's input, 1 = at run time,
 * 3 = `ship` stopped while the backend refused a setting (the backlog is kept for the next run).
 */
export const EXIT_STATUS: Readonly<Record<AgentErrorCode, number>> = Object.freeze({
  usage: 2,
  invalid_config: 2,
  config_file: 2,
  read_failed: 1,
  ingest_unauthorized: 3,
  project_not_found: 3,
  endpoint_not_cloudsage: 3,
});

/**
 * The one error class of `@cloudsage/agent`: thrown for configuration problems before anything runs
 * (fail fast on configuration, never on the log path).
 *
 * @example
 * throw new AgentError('invalid_config', 'endpoint: must be an http(s) URL (from --endpoint)');
 */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
