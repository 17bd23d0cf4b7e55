/** The cut start of a JSON object text, made whole again. */
export interface ClosedPrefix {
  /** The object: every member complete before the cut, the string the cut fell in ended. */
  value: Record<string, unknown>;
  /** Whether the cut fell inside a string value, which now ends with the marker. */
  cutString: boolean;
  /** Characters of the prefix kept (the rest, a member cut in its name or its number, is dropped). */
  kept: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Closes the start of a JSON object cut at an arbitrary character (an over-long log line cut at its byte
 * limit), so that it parses: a string value the cut fell in is ended with `marker(kept)`, a member cut in its
 * name, its number or its literal is dropped, and the open objects and arrays are closed. The members
 * before the cut keep their values, so a pino or winston line, whose `level` and `time` come first,
 * keeps them. Answers `undefined` when the text does not start as an object or is not JSON on the way.
 * One pass, no recursion: its cost is linear whatever the nesting.
 *
 * @example
 * closeJsonPrefix('{"level":50,"msg":"disk fu', () => '…')?.value; // { level: 50, msg: 'disk fu…' }
 */
export function closeJsonPrefix(prefix: string, marker: (kept: number) => string): ClosedPrefix | undefined {
  // The open containers, as their closing characters.
  const closers: string[] = [];
  // Where the text is whole if cut there and closed: after `{`, `[` or a complete value.
  let safeAt = -1;
  let safeDepth = 0;
  // What comes next inside the innermost container: a key (objects) or a value.
  let expectKey = false;
  let i = 0;
  const n = prefix.length;
  const skipSpace = () => {
    while (i < n) {
      const c = prefix.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      i++;
    }
  };
  const markSafe = () => {
    safeAt = i;
    safeDepth = closers.length;
  };
  skipSpace();
  if (prefix.charCodeAt(i) !== 123 /* { */) return undefined;
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    const c = prefix.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      closers.push(c === 123 ? '}' : ']');
      i++;
      expectKey = c === 123;
      markSafe();
      continue;
    }
    if (c === 125 /* } */ || c === 93 /* ] */) {
      if (closers.pop() !== (c === 125 ? '}' : ']')) return undefined;
      i++;
      markSafe();
      if (closers.length === 0) break;
      expectKey = false;
      continue;
    }
    if (c === 44 /* , */) {
      i++;
      expectKey = closers[closers.length - 1] === '}';
      continue;
    }
    if (c === 58 /* : */) {
      i++;
      expectKey = false;
      continue;
    }
    if (c === QUOTE) {
      const isKey = expectKey;
      // The end of the string, or the end of its last whole character when the cut falls inside it.
      let j = i + 1;
      let whole = j;
      let closed = false;
      while (j < n) {
        const d = prefix.charCodeAt(j);
        if (d === QUOTE) {
          closed = true;
          break;
        }
        if (d === BACKSLASH) {
          const step = prefix.charCodeAt(j + 1) === 117 /* u */ ? 6 : 2;
          if (j + step > n) break;
          j += step;
        } else j++;
        whole = j;
      }
      if (!closed) {
        if (isKey) break;
        // A lone high surrogate at the cut would be a half character: drop it.
        const last = prefix.charCodeAt(whole - 1);
        if (whole > i + 1 && last >= 0xd800 && last <= 0xdbff) whole--;
        const value = parseObject(`${prefix.slice(0, whole)}${marker(whole)}"${closers.reverse().join('')}`);
        return value ? { value, cutString: true, kept: whole } : undefined;
      }
      i = j + 1;
      if (!isKey) markSafe();
      continue;
    }
    // A number or a literal: whole only once a delimiter follows it (`12` may be the start of `125`).
    let j = i;
    while (j < n) {
      const d = prefix.charCodeAt(j);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13) break;
      j++;
    }
    if (j >= n) break;
    i = j;
    markSafe();
  }
  if (safeAt < 0) return undefined;
  // Cut where the text was last whole (after `{`, `[` or a value) and close what was open there: between
  // that point and the cut, containers were only opened above that depth, never closed below it.
  const value = parseObject(prefix.slice(0, safeAt) + closers.slice(0, safeDepth).reverse().join(''));
  return value ? { value, cutString: false, kept: safeAt } : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
