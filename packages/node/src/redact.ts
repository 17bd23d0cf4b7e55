/**
 * Redaction runs before anything is buffered. Patterns run on the serialized JSON line (one pass per
 * pattern over one string is far cheaper than walking every field, and the same code serves
 * `writeLine`); paths run on the record object, copy-on-write, so the caller's object is never changed.
 *
 * Every default pattern is JSON-safe: a match never contains `"` or `\`, so replacing it cannot break
 * the line. User patterns must keep to the same rule.
 */

/** The text that replaces a secret unless `redact.replacement` says otherwise. */
export const DEFAULT_REPLACEMENT = '[REDACTED]';

/** One redaction pattern: a regular expression and, optionally, its own replacement text. */
export interface RedactPattern {
  pattern: RegExp;
  replacement?: string;
}

/** The `redact` option. */
export interface RedactOptions {
  /** Dot paths into the record (`req.headers.authorization`, `*` matches any key). */
  paths?: string[];
  /** Extra patterns, applied to the serialized line after the defaults. */
  patterns?: Array<RegExp | RedactPattern>;
  /** Replacement text; default `[REDACTED]`. */
  replacement?: string;
  /** Set `false` to skip the built-in patterns and use only yours. Default `true`. */
  defaults?: boolean;
}

type Replacer = (match: string, ...groups: string[]) => string;

export interface CompiledPattern {
  name: string;
  regex: RegExp;
  /** Cheap substring test that must pass before the regex runs (keeps long lines linear and fast). */
  hint?: (line: string) => boolean;
  /** The hint's bit in {@link cuesOf}: set exactly when `hint` would pass on the same text. */
  cue?: number;
  replace: (r: string) => string | Replacer;
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Every SECRET_KEYS word contains one of these; one cheap test skips both secret patterns on most lines.
const secretWord = /pass|pwd|secret|token|key|session|cookie|credential|authoriz/i;
let lastLine: string | undefined;
let lastHasSecretWord = false;
// Both secret patterns ask about the same line in a row, so the answer is kept for the second one.
const hasSecretWord = (line: string) => {
  if (line !== lastLine) {
    lastLine = line;
    lastHasSecretWord = secretWord.test(line);
  }
  return lastHasSecretWord;
};

// The hints of the default patterns, read in one scan of the text instead of a test each (most text holds
// no secret, and a run of lines is ~1 MiB): each bit stands for one hint. The scan's words are told
// apart by their first two letters, so exactly one alternative can match at a position; stepping one
// character past each match's start finds every occurrence, overlapping ones included.
const CUE = { jwt: 1, bearer: 2, apiKey: 4, aws: 8, secret: 16, email: 32 } as const;
const ALL_CUES = 63;
const HINT_WORDS =
  /eyJ|b(?:earer|asic)|c(?:sk_|ookie|redential)|a(?:cca|uthoriz)|p(?:ass|wd)|s(?:ecret|ession)|token|key/gi;

/** The bits of {@link CUE} whose hint passes on `text` (exported for the tests). */
export function cuesOf(text: string): number {
  let cues = (text.includes('@') ? CUE.email : 0) | (text.includes('IA') ? CUE.aws : 0);
  HINT_WORDS.lastIndex = 0;
  for (let m = HINT_WORDS.exec(text); m !== null && cues !== ALL_CUES; m = HINT_WORDS.exec(text)) {
    const w = m[0];
    switch (w.charCodeAt(0) | 0x20) {
      case 0x65: // e: the JWT hint is case-sensitive
        if (w === 'eyJ') cues |= CUE.jwt;
        break;
      case 0x62: // b
        cues |= CUE.bearer;
        break;
      case 0x63: // c: csk_ is case-sensitive; cookie and credential are secret words
        if ((w.charCodeAt(1) | 0x20) !== 0x73) cues |= CUE.secret;
        else if (w === 'csk_') cues |= CUE.apiKey;
        break;
      case 0x61: // a: ACCA is case-sensitive; authoriz is a secret word
        if ((w.charCodeAt(1) | 0x20) !== 0x63) cues |= CUE.secret;
        else if (w === 'ACCA') cues |= CUE.aws;
        break;
      default:
        cues |= CUE.secret;
    }
    HINT_WORDS.lastIndex = m.index + 1;
  }
  HINT_WORDS.lastIndex = 0;
  return cues;
}

// Key words whose values are secrets; they match as key suffixes too (`accessToken`, `x-api-key`).
const SECRET_KEYS =
  'password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|session[_-]?id|cookie|credentials?|authorization';

/**
 * The built-in patterns, by name: bearer/basic tokens, `csk_` API keys, JWTs, AWS access key ids,
 * secrets in `key=value` / `"key": "value"` form, card numbers (Luhn-checked) and email addresses.
 *
 * @example
 * DEFAULT_PATTERN_NAMES.includes('email'); // true
 */
export const DEFAULT_PATTERN_NAMES = [
  'jwt',
  'bearer',
  'api_key',
  'aws_key',
  'secret_field',
  'secret_text',
  'card',
  'email',
] as const;

/** The built-in patterns, compiled (exported for the tests). */
export function defaultPatterns(): CompiledPattern[] {
  return [
    {
      name: 'jwt',
      regex: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
      hint: (l) => l.includes('eyJ'),
      cue: CUE.jwt,
      replace: (r) => r,
    },
    {
      name: 'bearer',
      regex: /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{4,}/gi,
      hint: (l) => /bearer|basic/i.test(l),
      cue: CUE.bearer,
      replace: (r) => (_m, scheme, space) => `${scheme}${space}${r}`,
    },
    {
      name: 'api_key',
      regex: /\bcsk_[A-Za-z0-9_-]{4,}/g,
      hint: (l) => l.includes('csk_'),
      cue: CUE.apiKey,
      replace: (r) => r,
    },
    {
      name: 'aws_key',
      regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
      hint: (l) => l.includes('IA') || l.includes('ACCA'),
      cue: CUE.aws,
      replace: (r) => r,
    },
    {
      // JSON fields whose key ends in a secret word: `"password":"x"`, `"accessToken":"x"`, `"apiKey":12`.
      // An unescaped `"` followed by `:` can only close a key, so this never matches inside a string.
      name: 'secret_field',
      regex: new RegExp(`(${SECRET_KEYS})"(\\s*:\\s*)(?:"(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*|true|false)`, 'gi'),
      hint: hasSecretWord,
      cue: CUE.secret,
      replace: (r) => (_m, key, colon) => `${key}"${colon}"${r}"`,
    },
    {
      // The same words in text: `password=x`, `token: x` (inside a message, quotes are escaped, so the
      // value stops at a quote, backslash, space or separator).
      name: 'secret_text',
      regex: new RegExp(`(${SECRET_KEYS})(\\s*[:=]\\s*)([^"\\\\\\s,;&{}[\\]]+)`, 'gi'),
      hint: hasSecretWord,
      cue: CUE.secret,
      replace: (r) => (_m, key, sep) => `${key}${sep}${r}`,
    },
    {
      name: 'card',
      // Not the digits of a decimal fraction or of a float's integer part (`"responseTime":807.2345678901234`).
      regex: /(?<![\d.])\b[2-6]\d{3}(?:[ -]?\d){9,15}\b(?!\.\d)/g,
      // No hint: a test for a run of digits passes on nearly every line (timestamps), then this scans too.
      replace: (r) => (m) => {
        const digits = m.replace(/[ -]/g, '');
        return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? r : m;
      },
    },
    {
      name: 'email',
      regex: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
      hint: (l) => l.includes('@'),
      cue: CUE.email,
      replace: (r) => r,
    },
  ];
}

/** Escapes text for use inside a JSON string, so a replacement cannot break the line. */
function jsonSafe(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** A compiled redactor; see {@link createRedactor}. */
export interface Redactor {
  /** True when `paths` were configured (the record must then be an object, not a raw line). */
  readonly hasPaths: boolean;
  /** Applies the patterns to a serialized line. */
  redactLine(line: string): string;
  /**
   * Applies the patterns to a run of lines joined by `\n` (each starting with `{`) in one pass over its
   * text, for the common case where nothing in it is a secret: answers the run itself when
   * {@link redactLine} would leave every line as it is, and `undefined` when some line would change
   * (the caller then redacts line by line, so the output is always exactly `redactLine`'s).
   */
  redactRun(run: string): string | undefined;
  /** Applies the paths to a record, copying only what changes. */
  redactPaths<T>(record: T): T;
}

const identity: Redactor = {
  hasPaths: false,
  redactLine: (line) => line,
  redactRun: (run) => run,
  redactPaths: (record) => record,
};

function compilePaths(paths: string[]): string[][] {
  return paths.map((p) => p.split('.').filter((s) => s.length > 0)).filter((s) => s.length > 0);
}

function redactAt(value: unknown, path: string[], i: number, replacement: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  const key = path[i]!;
  const last = i === path.length - 1;
  const keys = key === '*' ? Object.keys(value) : Object.hasOwn(value, key) ? [key] : [];
  if (keys.length === 0) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const k of keys) {
    const current = (value as Record<string, unknown>)[k];
    const next = last ? (current === undefined ? current : replacement) : redactAt(current, path, i + 1, replacement);
    if (next !== current) {
      copy ??= Array.isArray(value) ? value.slice() : { ...(value as Record<string, unknown>) };
      (copy as Record<string, unknown>)[k] = next;
    }
  }
  return copy ?? value;
}

interface LinePattern {
  regex: RegExp;
  hint?: ((l: string) => boolean) | undefined;
  cue?: number | undefined;
  replace: string | Replacer;
}

function applyPatterns(patterns: readonly LinePattern[], hinted: boolean, text: string): string {
  let out = text;
  const cues = hinted ? cuesOf(text) : 0;
  for (const p of patterns) {
    // The scan answered for the text as it came; once a pattern has changed it, hints ask the new text.
    if (p.hint && !(out === text && p.cue !== undefined ? (cues & p.cue) !== 0 : p.hint(out))) continue;
    out = out.replace(p.regex, p.replace as string);
  }
  return out;
}

const SECRET_KEY_NAME = new RegExp(`(?:${SECRET_KEYS})$`, 'i');

const looksLikeJson = (line: string) => /^\s*[{[]/.test(line);

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Redacts every string (and number, as its text) of a parsed record; a changed number becomes the replacement. */
function redactValues(value: unknown, redact: (text: string) => string, replacement: string): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return redact(String(value)) === String(value) ? value : replacement;
  if (Array.isArray(value)) return value.map((v) => redactValues(v, redact, replacement));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A key naming a secret redacts its value whatever it holds, as `secret_field` does in the line.
      const next =
        SECRET_KEY_NAME.test(k) && v !== null && typeof v !== 'object'
          ? replacement
          : redactValues(v, redact, replacement);
      // defineProperty: a `__proto__` key from JSON.parse stays a plain field.
      Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * Compiles the `redact` option. `false` gives a redactor that changes nothing.
 *
 * @example
 * const r = createRedactor({ paths: ['req.headers.authorization'] });
 * r.redactLine('{"msg":"login alice@example.com"}'); // '{"msg":"login [REDACTED]"}'
 */
export function createRedactor(options: RedactOptions | false): Redactor {
  if (options === false) return identity;
  const replacement = options.replacement ?? DEFAULT_REPLACEMENT;
  const safe = jsonSafe(replacement);
  const compiled: LinePattern[] = [];
  const rawReplacers: Array<string | Replacer> = [];
  if (options.defaults !== false) {
    for (const p of defaultPatterns()) {
      compiled.push({ regex: p.regex, hint: p.hint, cue: p.cue, replace: p.replace(safe) });
      rawReplacers.push(p.replace(replacement));
    }
  }
  for (const p of options.patterns ?? []) {
    const rp = p instanceof RegExp ? { pattern: p } : p;
    const flags = rp.pattern.flags.includes('g') ? rp.pattern.flags : `${rp.pattern.flags}g`;
    compiled.push({ regex: new RegExp(rp.pattern.source, flags), replace: jsonSafe(rp.replacement ?? replacement) });
    rawReplacers.push(rp.replacement ?? replacement);
  }
  // The same patterns with the bare replacement, for values redacted one by one (then serialized).
  const rawCompiled = compiled.map((p, i) => ({ ...p, replace: rawReplacers[i] ?? p.replace }));
  const paths = compilePaths(options.paths ?? []);
  const hinted = compiled.some((p) => p.hint !== undefined);
  const userPatterns = (options.patterns ?? []).length > 0;
  const redactLine = (line: string): string => {
    const out = applyPatterns(compiled, hinted, line);
    // A pattern that matched a bare JSON number (or straddled a token) would leave a line the
    // backend cannot parse; then the record's own values are redacted one by one instead.
    if (out === line || !looksLikeJson(line) || parses(out)) return out;
    try {
      return JSON.stringify(
        redactValues(JSON.parse(line), (text) => applyPatterns(rawCompiled, hinted, text), replacement),
      );
    } catch {
      return out; // the line was not JSON to begin with: it is shipped as text either way
    }
  };
  return {
    hasPaths: paths.length > 0,
    redactLine,
    redactRun(run) {
      // A user's pattern may match across a newline or anchor on `^`: only line by line is it certain.
      if (userPatterns) {
        for (let at = 0; at <= run.length; ) {
          const nl = run.indexOf('\n', at);
          const end = nl < 0 ? run.length : nl;
          const line = run.slice(at, end);
          if (redactLine(line) !== line) return undefined;
          at = end + 1;
        }
        return run;
      }
      // The default patterns over the joined text find the same matches as over each line: their
      // character classes and boundaries treat the `\n{` between two lines like a line's start and
      // end, except secret_field, whose string value may run on through a newline; a match then
      // changes the text, and any change sends the run back line by line.
      return applyPatterns(compiled, hinted, run) === run ? run : undefined;
    },
    redactPaths(record) {
      let out: unknown = record;
      for (const path of paths) out = redactAt(out, path, 0, replacement);
      return out as typeof record;
    },
  };
}
