import { parseArgs } from 'node:util';
import type { ConfigLayer } from './config.js';
import { AgentError } from './errors.js';

/** One flag: its parseArgs shape, the setting it fills, and its help text. */
export interface FlagSpec {
  flag: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  key?: string;
  /** A `--no-x` flag: given, it sets its setting to `false`. */
  negate?: boolean;
  help: string;
}

const CONNECTION: FlagSpec[] = [
  { flag: 'endpoint', type: 'string', key: 'endpoint', help: 'backend origin, e.g. http://127.0.0.1:3001' },
  { flag: 'api-key', type: 'string', key: 'apiKey', help: 'project API key (csk_...)' },
  { flag: 'project', type: 'string', key: 'projectId', help: 'project id (default: the key’s project)' },
  { flag: 'config', short: 'c', type: 'string', help: 'JSON config file (also CLOUDSAGE_CONFIG)' },
  { flag: 'help', short: 'h', type: 'boolean', help: 'show this help' },
];

/** Flags of `cloudsage ship`. The README's flags table lists the same. */
export const SHIP_FLAGS: readonly FlagSpec[] = [
  ...CONNECTION,
  { flag: 'service', type: 'string', key: 'service', help: 'service name added to records that have none' },
  { flag: 'file', short: 'f', type: 'string', multiple: true, key: 'files', help: 'file or glob to tail (repeatable)' },
  { flag: 'from-start', type: 'boolean', key: 'fromStart', help: 'read existing files from the start' },
  { flag: 'multiline', type: 'string', key: 'multiline', help: 'auto | off | regex that starts a record' },
  { flag: 'multiline-timeout', type: 'string', key: 'multilineTimeoutMs', help: 'ms before a held record is sent' },
  { flag: 'quiet', short: 'q', type: 'boolean', key: 'quiet', help: 'do not copy stdin to stdout' },
  { flag: 'dry-run', type: 'boolean', key: 'dryRun', help: 'print the batches instead of sending them' },
  { flag: 'stats', type: 'boolean', key: 'stats', help: 'status line to stderr every --stats-interval' },
  { flag: 'stats-interval', type: 'string', key: 'statsIntervalMs', help: 'ms between status lines (60000)' },
  { flag: 'state-dir', type: 'string', key: 'stateDir', help: 'checkpoint directory' },
  { flag: 'spool-dir', type: 'string', key: 'spoolDir', help: 'spool directory for stdin (default: in the state dir)' },
  { flag: 'no-spool', type: 'boolean', key: 'spool', negate: true, help: 'do not spool stdin to disk' },
  { flag: 'max-line-bytes', type: 'string', key: 'maxLineBytes', help: 'longer lines become one cut record (1 MiB)' },
  { flag: 'keep-going', type: 'boolean', key: 'keepGoing', help: 'files: keep retrying a refused key, not exit 3' },
  {
    flag: 'reprobe-interval',
    type: 'string',
    key: 'reprobeIntervalMs',
    help: 'ms between tries while the key is refused (60000)',
  },
  { flag: 'flush-timeout', type: 'string', key: 'flushTimeoutMs', help: 'ms to flush at exit (5000)' },
  { flag: 'poll-interval', type: 'string', key: 'pollIntervalMs', help: 'ms between file checks (250)' },
  { flag: 'rotate-wait', type: 'string', key: 'rotateWaitMs', help: 'ms a rotated file is still read (2000)' },
  { flag: 'batch-size', type: 'string', key: 'batchSize', help: 'records per batch (1000)' },
  { flag: 'batch-wait', type: 'string', key: 'batchWaitMs', help: 'ms before a partial batch is sent (1000)' },
  { flag: 'buffer-records', type: 'string', key: 'bufferRecords', help: 'records held in memory (100000)' },
  { flag: 'on-full', type: 'string', key: 'onFull', help: 'stdin when the buffer is full: drop | wait' },
];

/** Flags of `cloudsage forecast` and `cloudsage history`. */
export const READ_FLAGS: readonly FlagSpec[] = [
  ...CONNECTION,
  { flag: 'days', type: 'string', key: 'days', help: 'history: days back (30)' },
  { flag: 'width', type: 'string', key: 'width', help: 'chart width in columns (60)' },
  { flag: 'json', type: 'boolean', key: 'json', help: 'print the JSON answer instead of a chart' },
];

/** The parsed command line: the settings layer, positionals, and the non-setting flags. */
export interface ParsedArgs {
  layer: ConfigLayer;
  positionals: string[];
  help: boolean;
  configPath: string | undefined;
}

/**
 * Parses the arguments after the command name with `node:util` parseArgs (strict: unknown flags fail).
 *
 * @example
 * parseCommandArgs(['--file', 'logs/*.log', '--quiet'], SHIP_FLAGS).layer.values; // { files: [...], quiet: true }
 */
export function parseCommandArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const s of specs) {
    options[s.flag] = {
      type: s.type,
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new AgentError('usage', (err as Error).message);
  }
  const values: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const s of specs) {
    const v = parsed.values[s.flag];
    if (v === undefined || !s.key) continue;
    values[s.key] = s.negate ? !v : v;
    flagOf[s.key] = `--${s.flag}`;
  }
  return {
    layer: { values, origin: (k) => flagOf[k] ?? 'flags' },
    positionals: parsed.positionals,
    help: parsed.values.help === true,
    configPath: typeof parsed.values.config === 'string' ? parsed.values.config : undefined,
  };
}

/** The help text of a command: usage line and one line per flag. */
export function helpText(usage: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const name = `${s.short ? `-${s.short}, ` : '    '}--${s.flag}${s.type === 'string' ? ' <value>' : ''}`;
    return `  ${name.padEnd(34)} ${s.help}`;
  });
  return `${usage}\n\nOptions:\n${rows.join('\n')}\n`;
}
