import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { READ_FLAGS, SHIP_FLAGS } from '../src/args.js';
import { ENV_SETTINGS, ReadConfigSchema, type ShipConfig, ShipConfigSchema } from '../src/config.js';
import type { AgentErrorCode } from '../src/errors.js';
import type { AgentError, FlagSpec } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README, flags and settings stay in step', () => {
  it('lists every flag, with its setting name', () => {
    for (const f of [...SHIP_FLAGS, ...READ_FLAGS]) {
      expect(readme, `--${f.flag}`).toContain(`\`--${f.flag}\``);
      if (f.key) expect(readme, f.key).toContain(`\`${f.key}\``);
    }
  });
  it('every flag fills a setting the schema knows, and every environment variable too', () => {
    const unknownKeys = (schema: typeof ShipConfigSchema | typeof ReadConfigSchema, key: string) =>
      schema.safeParse({ [key]: undefined }).error?.issues.filter((i) => i.code === 'unrecognized_keys') ?? [];
    expect(unknownKeys(ShipConfigSchema, 'noSuchSetting')).toHaveLength(1);
    for (const f of SHIP_FLAGS) if (f.key) expect(unknownKeys(ShipConfigSchema, f.key), f.key).toEqual([]);
    for (const f of READ_FLAGS) if (f.key) expect(unknownKeys(ReadConfigSchema, f.key), f.key).toEqual([]);
    for (const [name, key] of Object.entries(ENV_SETTINGS)) {
      expect(unknownKeys(ShipConfigSchema, key), name).toEqual([]);
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});

describe('public types', () => {
  it('exposes the config, flag and error types', () => {
    expectTypeOf<ShipConfig['files']>().toEqualTypeOf<string[]>();
    expectTypeOf<ShipConfig['multiline']>().toEqualTypeOf<string>();
    expectTypeOf<FlagSpec['type']>().toEqualTypeOf<'string' | 'boolean'>();
    expectTypeOf<AgentError['code']>().toEqualTypeOf<AgentErrorCode>();
  });
});
