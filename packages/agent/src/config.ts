import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentError } from './errors.js';

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
// Required-setting checks run even when other settings are invalid, so one run names every problem.
const always = { when: () => true };

function validRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** Where the state (checkpoint) lives when `stateDir` is not set: `$XDG_STATE_HOME/cloudsage`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'cloudsage');
}

const Common = {
  endpoint: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://127.0.0.1:3001' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  apiKey: z.string().min(1, 'must not be empty').optional(),
  projectId: z.string().min(1).max(64).optional(),
};

/** `cloudsage ship` settings after validation and defaults. See the README's flags table. */
export const ShipConfigSchema = z
  .object({
    ...Common,
    service: z.string().min(1).max(256).optional(),
    files: z.array(z.string().min(1, 'a file pattern must not be empty')).default([]),
    fromStart: z.boolean().default(false),
    /** `auto` (indentation and stack-trace heuristics), `off`, or a regex that starts a record. */
    multiline: z
      .string()
      .default('auto')
      .refine((s) => s === 'auto' || s === 'off' || validRegex(s), 'must be auto, off or a valid regular expression'),
    multilineTimeoutMs: int(1, 60_000).default(500),
    multilineMaxLines: int(2, 10_000).default(500),
    quiet: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    stats: z.boolean().default(false),
    statsIntervalMs: int(100, 86_400_000).default(60_000),
    stateDir: z.string().min(1).optional(),
    /** Standard input is spooled to disk unless this is `false` (`--no-spool`). */
    spool: z.boolean().default(true),
    spoolDir: z.string().min(1).optional(),
    /** Longer lines are cut to one record of this many bytes (bounds the reader's memory, too). */
    maxLineBytes: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    /** Keep running (files) while the backend refuses the key or project, instead of exiting 3. */
    keepGoing: z.boolean().default(false),
    /** Pause between tries while the backend refuses the key or project. */
    reprobeIntervalMs: int(100, 3_600_000).default(60_000),
    flushTimeoutMs: int(0, 600_000).default(5000),
    pollIntervalMs: int(5, 60_000).default(250),
    rotateWaitMs: int(0, 600_000).default(2000),
    batchSize: int(1, 10_000).default(1000),
    batchWaitMs: int(0, 3_600_000).default(1000),
    bufferRecords: int(1000, 10_000_000).default(100_000),
    /** Standard input when the buffer is full: `drop` by policy (never blocks the app), or `wait`. */
    onFull: z.enum(['drop', 'wait']).default('drop'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.dryRun) return;
    if (!c.endpoint) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'is required (or use --dry-run)' });
    if (!c.apiKey) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required (or use --dry-run)' });
  }, always);
export type ShipConfig = z.output<typeof ShipConfigSchema>;

/** `cloudsage forecast` / `cloudsage history` settings. */
export const ReadConfigSchema = z
  .object({
    ...Common,
    days: int(1, 365).default(30),
    json: z.boolean().default(false),
    width: int(20, 400).default(60),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.endpoint) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'is required' });
    if (!c.apiKey) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required' });
  }, always);
export type ReadConfig = z.output<typeof ReadConfigSchema>;

/** Environment variables the agent reads, and the setting each fills. */
export const ENV_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  CLOUDSAGE_ENDPOINT: 'endpoint',
  CLOUDSAGE_API_KEY: 'apiKey',
  CLOUDSAGE_PROJECT_ID: 'projectId',
  CLOUDSAGE_SERVICE: 'service',
  CLOUDSAGE_FILES: 'files',
  CLOUDSAGE_STATE_DIR: 'stateDir',
  CLOUDSAGE_SPOOL_DIR: 'spoolDir',
  CLOUDSAGE_MULTILINE: 'multiline',
});

/** One layer of settings and where it came from, for error messages. */
export interface ConfigLayer {
  values: Record<string, unknown>;
  /** Names the origin of a key, e.g. `--endpoint`, `CLOUDSAGE_ENDPOINT`, `/etc/cloudsage.json`. */
  origin(key: string): string;
}

/** The settings found in the environment. `CLOUDSAGE_FILES` is a comma-separated list of patterns. */
export function envLayer(env: NodeJS.ProcessEnv, keys: readonly string[]): ConfigLayer {
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_SETTINGS)) {
    const raw = env[name];
    if (raw === undefined || raw === '' || !keys.includes(key)) continue;
    values[key] =
      key === 'files'
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : raw;
    names[key] = name;
  }
  return { values, origin: (k) => names[k] ?? 'environment' };
}

/** Reads the optional JSON config file (`--config` or `CLOUDSAGE_CONFIG`): an object of settings. */
export function fileLayer(path: string | undefined): ConfigLayer {
  if (!path) return { values: {}, origin: () => 'config file' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AgentError('config_file', `cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AgentError('config_file', `config file ${path} must hold a JSON object of settings`);
  }
  return { values: parsed as Record<string, unknown>, origin: () => path };
}

/**
 * Merges layers (later ones win: config file < environment < flags), validates with `schema`, and
 * throws an {@link AgentError} that names every bad setting and where it came from.
 *
 * @example
 * const config = resolveConfig(ShipConfigSchema, [fileLayer(path), envLayer(process.env, keys), flags]);
 */
export function resolveConfig<S extends z.ZodType>(schema: S, layers: readonly ConfigLayer[]): z.output<S> {
  const merged: Record<string, unknown> = {};
  const from: Record<string, ConfigLayer> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.values)) {
      if (v === undefined) continue;
      merged[k] = v;
      from[k] = layer;
    }
  }
  const parsed = schema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys') {
      return `unknown setting(s) ${issue.keys.join(', ')}${issue.keys[0] && from[issue.keys[0]] ? ` (in ${from[issue.keys[0]]!.origin(issue.keys[0])})` : ''}`;
    }
    const where = from[key] ? ` (from ${from[key]!.origin(key)})` : '';
    return `${issue.path.join('.') || 'config'}${where}: ${issue.message}`;
  });
  throw new AgentError('invalid_config', `invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** The state directory: the setting, else the default. */
export function stateDirOf(config: Pick<ShipConfig, 'stateDir'>, env: NodeJS.ProcessEnv = process.env): string {
  return config.stateDir ?? defaultStateDir(env);
}
