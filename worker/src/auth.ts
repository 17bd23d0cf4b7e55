/**
 * Bearer-key check for `/score`, compared in constant time so response timing does not leak the key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Builds a checker for `Authorization` header values.
 * Both sides are hashed first, so lengths never differ and the compare is constant-time.
 *
 * @example
 * const ok = bearerChecker('secret-key-123456');
 * ok('Bearer secret-key-123456'); // true
 */
export function bearerChecker(key: string): (header: string | undefined) => boolean {
  const expected = createHash('sha256').update(key).digest();
  return (header) => {
    if (header === undefined || header.length > 1024) return false;
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (m === null) return false;
    const given = createHash('sha256').update(m[1]!).digest();
    return timingSafeEqual(given, expected);
  };
}
