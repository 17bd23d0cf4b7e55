/**
 * A per-batch Bloom filter of the character trigrams of its stored lines, so a search can skip batch
 * objects that cannot hold its words without reading them (issue #19, "search that keeps up").
 *
 * Written at ingest over each serialized line; read by logs pages and facets. It never hides a match:
 * a search word of 3+ characters is a substring of a record's searched text only if every trigram of
 * it is in the batch's filter. Two details keep that true:
 * - case: search lowercases both sides with `toLowerCase`. The filter folds ASCII letters itself and
 *   maps every other character to one shared code (the two non-ASCII characters whose lowercase is
 *   ASCII, U+212A KELVIN SIGN and U+0130, are mapped to theirs), so the query side, folding the same
 *   way, asks for the same trigrams;
 * - JSON escaping: lines are JSON, where `"`, `\` and control characters are escaped. A word holding
 *   one of those is never used to skip (see `requiredTrigrams`); any other word appears verbatim.
 *
 * The filter starts at 2^16 bits, 3 probes a trigram, and is folded (OR of halves, exact for power-of-two
 * sizes) at the end while it stays under a quarter full, so a small batch keeps a small filter.
 */

const MAX_BITS = 1 << 16;
const MIN_BITS = 1 << 10;
/** The code every non-ASCII character folds to. */
const OTHER = 0x80;

function fold(c: number): number {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c === 0x212a) return 107; // KELVIN SIGN lowercases to "k"
  return OTHER;
}

function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const trigramHash = (a: number, b: number, c: number) => mix((a << 16) ^ (b << 8) ^ c ^ 0x9e3779b9);

/** Builds one batch's filter, line by line. */
export class TextFilterBuilder {
  readonly #bits = new Uint8Array(MAX_BITS / 8);
  #lines = 0;

  /** Adds the trigrams of one stored line (its JSON text). */
  add(line: string): void {
    this.#lines++;
    const bits = this.#bits;
    let a = -1;
    let b = -1;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      // U+0130 lowercases to "i" + U+0307: two characters, as toLowerCase makes them.
      const c = code === 0x130 ? 105 : fold(code);
      if (a >= 0) setProbes(bits, trigramHash(a, b, c), MAX_BITS);
      a = b;
      b = c;
      if (code === 0x130) {
        if (a >= 0) setProbes(bits, trigramHash(a, b, OTHER), MAX_BITS);
        a = b;
        b = OTHER;
      }
    }
  }

  /** The filter, folded to its size; undefined for a batch with no lines. */
  finish(): Uint8Array | undefined {
    if (this.#lines === 0) return undefined;
    let bits = this.#bits;
    while (bits.length * 8 > MIN_BITS && fill(bits) < 0.125) {
      const half = bits.length / 2;
      const folded = bits.slice(0, half);
      for (let i = 0; i < half; i++) folded[i] = (folded[i] ?? 0) | (bits[half + i] ?? 0);
      bits = folded;
    }
    return bits;
  }
}

function fill(bits: Uint8Array): number {
  let set = 0;
  for (let i = 0; i < bits.length; i++) {
    let v = bits[i] ?? 0;
    while (v) {
      v &= v - 1;
      set++;
    }
  }
  return set / (bits.length * 8);
}

function probes(h: number, size: number): [number, number, number] {
  const h2 = mix(h ^ 0x85ebca6b) | 1;
  const mask = size - 1;
  return [h & mask, (h + h2) & mask, (h + 2 * h2) & mask];
}

function setProbes(bits: Uint8Array, h: number, size: number): void {
  for (const p of probes(h, size)) bits[p >>> 3]! |= 1 << (p & 7);
}

/**
 * The trigram hashes a batch must hold for `words` (lowercased search words and plain field values)
 * to possibly match; words shorter than 3 characters or holding a JSON-escaped character add none.
 *
 * @example
 * const need = requiredTrigrams(['timeout', 'checkout']);
 */
export function requiredTrigrams(words: readonly string[]): number[] {
  const out = new Set<number>();
  for (const word of words) {
    // Escaped in JSON (quote, backslash, controls; lone surrogates): not verbatim in the line.
    if (word.length < 3 || /["\\\u0000-\u001f\ud800-\udfff]/.test(word)) continue;
    const lower = word.toLowerCase();
    const units: number[] = [];
    for (let i = 0; i < lower.length; i++) units.push(fold(lower.charCodeAt(i)));
    for (let i = 2; i < units.length; i++) out.add(trigramHash(units[i - 2]!, units[i - 1]!, units[i]!));
  }
  return [...out];
}

/**
 * False when the batch's filter proves it holds none of the records a search needs; true when it may
 * (or when the batch has no filter: batches stored before filters existed are read as before).
 */
export function mayContain(filter: Uint8Array | null | undefined, required: readonly number[]): boolean {
  if (!filter || filter.length === 0 || required.length === 0) return true;
  const size = filter.length * 8;
  if ((size & (size - 1)) !== 0) return true; // not a filter this code wrote
  for (const h of required) {
    for (const p of probes(h, size)) if (((filter[p >>> 3] ?? 0) & (1 << (p & 7))) === 0) return false;
  }
  return true;
}

/** A stored filter (base64 in `ingest_batches.text_filter`) as bytes; undefined when there is none. */
export function filterOf(stored: string | null | undefined): Uint8Array | undefined {
  return stored ? Buffer.from(stored, 'base64') : undefined;
}
