import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cachingStatements } from '../../src/store/sql/statement-cache.js';

function counting() {
  const database = new SQLite(':memory:');
  const prepared: string[] = [];
  const counted = {
    close: () => database.close(),
    prepare: (text: string) => {
      prepared.push(text);
      return database.prepare(text);
    },
  };
  return { counted, prepared };
}

describe('cachingStatements', () => {
  it('prepares each SQL text once and gives the same answers as a fresh statement', async () => {
    const { counted, prepared } = counting();
    const db = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new SqliteDialect({ database: cachingStatements(counted) }),
    });
    await sql`create table t (id integer primary key, v text)`.execute(db);
    for (let i = 0; i < 5; i++)
      await db
        .insertInto('t')
        .values({ id: i, v: `v${i}` })
        .execute();
    const rows = await db.selectFrom('t').selectAll().where('id', '>=', 3).orderBy('id').execute();
    const again = await db.selectFrom('t').selectAll().where('id', '>=', 1).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 3, v: 'v3' },
      { id: 4, v: 'v4' },
    ]);
    expect(again.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    // create, one insert text, one select text
    expect(prepared).toHaveLength(3);
    await db.destroy();
  });

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const { counted, prepared } = counting();
    const cached = cachingStatements(counted, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now the most recent
    cached.prepare('select 3'); // evicts 'select 2'
    cached.prepare('select 1');
    cached.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
  });

  it('streams through a cached statement and runs it again afterwards', async () => {
    const { counted, prepared } = counting();
    const db = new Kysely<{ t: { id: number } }>({
      dialect: new SqliteDialect({ database: cachingStatements(counted) }),
    });
    await sql`create table t (id integer primary key)`.execute(db);
    for (let i = 0; i < 3; i++) await db.insertInto('t').values({ id: i }).execute();
    const query = db.selectFrom('t').select('id').orderBy('id');
    const seen: number[] = [];
    for await (const row of query.stream()) {
      seen.push(row.id);
      if (row.id === 1) break; // an abandoned stream resets its statement
    }
    expect(seen).toEqual([0, 1]);
    expect((await query.execute()).map((r) => r.id)).toEqual([0, 1, 2]);
    expect(prepared.filter((t) => t.startsWith('select'))).toHaveLength(1);
    await db.destroy();
  });
});
