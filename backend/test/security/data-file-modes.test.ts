import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql as rawSql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSql } from '../../src/store/sql/open-sql.js';

const mode = (path: string) => statSync(path).mode & 0o777;

// Issue #22: cloudsage.db (password and key hashes) and its -wal/-shm were created 0644.
describe.skipIf(process.platform === 'win32')('SQLite data files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('are created owner-only (0600), the WAL and shared-memory files too, and synced FULL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-modes-'));
    dirs.push(dir);
    const sql = await openSql({ dataDir: join(dir, 'data') });
    await sql.db.insertInto('users').values({ id: 'u1', email: 'a@b.c', password_hash: 'x', created_at: 0 }).execute();
    const file = join(dir, 'data', 'cloudsage.db');
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    expect(mode(join(dir, 'data'))).toBe(0o700);
    const { rows } = await rawSql<{ synchronous: number }>`pragma synchronous`.execute(sql.db);
    expect(rows[0]?.synchronous).toBe(2); // FULL
    await sql.close();
  });

  it('tightens a database file an older version left world-readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-modes-'));
    dirs.push(dir);
    const file = join(dir, 'cloudsage.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const sql = await openSql({ dataDir: dir });
    expect(mode(file)).toBe(0o600);
    await sql.close();
  });
});
