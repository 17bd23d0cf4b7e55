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
 * The filter starts at 2^16 bits, 2 probes a trigram, and is folded (OR of halves, exact for power-of-two
 * sizes) at the end while it stays under a quarter full, so a small batch keeps a small filter.
 */

const MAX_BITS = 1 << 16;
const MIN_BITS = 1 << 10;
/** The code every non-ASCII character folds to (DEL shares it: a collision only costs a read). */
const OTHER = 0x7f;

function fold(c: number): number {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c === 0x212a) return 107; // KELVIN SIGN lowercases to "k"
  return OTHER;
}

/** A trigram id (three 7-bit folded codes) hashed to 32 bits; its two probes are the low and high halves. */
function idHash(id: number): number {
  let h = Math.imul(id, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

const TRIGRAM_IDS = 1 << 21;

/**
 * Builds one batch's filter, line by line. Lines mark their trigram ids in a direct bitmap (no
 * hashing on the hot path: a shift and an OR a character); `finish` hashes each distinct trigram once
 * into the Bloom filter.
 */
export class TextFilterBuilder {
  readonly #seen = new Uint32Array(TRIGRAM_IDS / 32);
  #lines = 0;

  /** Adds the trigrams of one stored line (its JSON text). */
  add(line: string): void {
    this.#lines++;
    const seen = this.#seen;
    let id = 0;
    let n = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      let c: number;
      if (code < 0x80) c = code >= 65 && code <= 90 ? code + 32 : code;
      else if (code === 0x130) {
        // U+0130 lowercases to "i" + U+0307: two characters, as toLowerCase makes them.
        id = ((id << 7) | 105) & (TRIGRAM_IDS - 1);
        if (++n >= 3) seen[id >>> 5]! |= 1 << (id & 31);
        c = OTHER;
      } else c = fold(code);
      id = ((id << 7) | c) & (TRIGRAM_IDS - 1);
      if (++n >= 3) seen[id >>> 5]! |= 1 << (id & 31);
    }
  }

  /** The filter, folded to its size; undefined for a batch with no lines. */
  finish(): Uint8Array | undefined {
    if (this.#lines === 0) return undefined;
    let bits = new Uint8Array(MAX_BITS / 8);
    const seen = this.#seen;
    for (let w = 0; w < seen.length; w++) {
      let word = seen[w]!;
      while (word !== 0) {
        const low = word & -word;
        setProbes(bits, idHash(w * 32 + (31 - Math.clz32(low))), MAX_BITS);
        word ^= low;
      }
    }
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

// Folding ORs the halves, so a probe's position in a filter of `size` bits is its full-size position mod size.
function setProbes(bits: Uint8Array, h: number, size: number): void {
  const mask = size - 1;
  const p1 = h & 0xffff & mask;
  const p2 = (h >>> 16) & mask;
  bits[p1 >>> 3]! |= 1 << (p1 & 7);
  bits[p2 >>> 3]! |= 1 << (p2 & 7);
}

function hasProbes(bits: Uint8Array, h: number, size: number): boolean {
  const mask = size - 1;
  const p1 = h & 0xffff & mask;
  const p2 = (h >>> 16) & mask;
  return ((bits[p1 >>> 3] ?? 0) & (1 << (p1 & 7))) !== 0 && ((bits[p2 >>> 3] ?? 0) & (1 << (p2 & 7))) !== 0;
}

/** True when JSON.stringify writes the word as it is (no quote, backslash, control or surrogate). */
function verbatimInJson(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
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
    if (word.length < 3 || !verbatimInJson(word)) continue;
    const lower = word.toLowerCase();
    const units: number[] = [];
    for (let i = 0; i < lower.length; i++) units.push(fold(lower.charCodeAt(i)));
    for (let i = 2; i < units.length; i++) out.add(idHash((units[i - 2]! << 14) | (units[i - 1]! << 7) | units[i]!));
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
  for (const h of required) if (!hasProbes(filter, h, size)) return false;
  return true;
}

/** A stored filter (base64 in `ingest_batches.text_filter`) as bytes; undefined when there is none. */
export function filterOf(stored: string | null | undefined): Uint8Array | undefined {
  return stored ? Buffer.from(stored, 'base64') : undefined;
}
