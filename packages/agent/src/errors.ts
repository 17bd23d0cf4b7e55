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
} as const);

/** A stable agent error code; see {@link AGENT_ERROR_CODES}. */
export type AgentErrorCode = keyof typeof AGENT_ERROR_CODES;

/** Exit status of the `cloudsage` command for each error code (2 = the user's input, 1 = at run time). */
export const EXIT_STATUS: Readonly<Record<AgentErrorCode, number>> = Object.freeze({
  usage: 2,
  invalid_config: 2,
  config_file: 2,
  read_failed: 1,
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
