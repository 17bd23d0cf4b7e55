// Node's Buffer counts UTF-8 bytes natively; runtimes without it (Workers, Edge) count by code unit.
const nodeBuffer = (globalThis as { Buffer?: { byteLength(s: string, encoding: 'utf8'): number } }).Buffer;

/**
 * The length of `s` in UTF-8 bytes, without encoding it (a lone surrogate counts as the 3-byte U+FFFD
 * that encoding would write).
 *
 * @example
 * utf8Length('€'); // 3
 */
export function utf8Length(s: string): number {
  if (nodeBuffer) return nodeBuffer.byteLength(s, 'utf8');
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
