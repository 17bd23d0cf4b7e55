/**
 * Whether an error is a unique-constraint violation on either SQL driver: a concurrent twin won
 * the race (PostgreSQL SQLSTATE 23505; better-sqlite3's extended result codes).
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null | undefined;
  const code = e?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint/i.test(String(e?.message))
  );
}
