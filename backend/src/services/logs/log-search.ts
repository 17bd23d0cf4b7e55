import { LEVEL_RANK, type Level, type LogRecord } from '@cloudsage/schema';
import { AppError } from '../../errors.js';

/**
 * The `q` grammar of the logs API, as users of Datadog, Axiom or Grafana type it:
 *
 *   service:checkout level:error "connection refused" -healthcheck status:>=500 req.url:/api/*
 *
 * Terms are ANDed. A bare word or a "quoted phrase" matches a case-insensitive substring of the
 * message, service, host, trace id or attributes. `field:value` matches one field: `level`,
 * `service`, `host`, `trace` (`traceId`), `span` (`spanId`), `msg` (`message`: a substring), or an
 * attribute by its dotted path (`status`, `req.method`, `attributes.req.method`). Values compare
 * case-insensitively and whole, with `*` as a wildcard; `>`, `>=`, `<`, `<=` compare numbers
 * (and levels: `level:>=warn`). A leading `-` negates any term.
 */
export const QUERY_GRAMMAR =
  'words and "quoted phrases" (substring), field:value (level, service, host, trace, span, msg, or an attribute path like ' +
  'req.method; * wildcards; >, >=, <, <= for numbers and levels), -term negates; terms are ANDed';

/** Most terms one query may hold. */
export const MAX_QUERY_TERMS = 20;

type Compare = '>' | '>=' | '<' | '<=';

/** One parsed term of `q`. */
export type SearchTerm =
  | { kind: 'text'; negate: boolean; text: string }
  | { kind: 'field'; negate: boolean; field: string; value: string; compare?: Compare };

const FIELD_ALIASES: Record<string, string> = {
  trace: 'traceId',
  traceid: 'traceId',
  span: 'spanId',
  spanid: 'spanId',
  message: 'msg',
};

function invalid(message: string): never {
  throw new AppError('invalid_query', `q: ${message}`, { details: { field: 'q' } });
}

/** Splits `q` into raw tokens, keeping quoted runs together (`a:"b c"`, `-"x y"`). */
function tokens(q: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < q.length) {
    while (i < q.length && /\s/.test(q[i]!)) i++;
    if (i >= q.length) break;
    let token = '';
    while (i < q.length && !/\s/.test(q[i]!)) {
      if (q[i] === '"') {
        const end = q.indexOf('"', i + 1);
        if (end < 0) invalid('a quote is not closed');
        token += q.slice(i, end + 1);
        i = end + 1;
      } else token += q[i++];
    }
    out.push(token);
  }
  return out;
}

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/**
 * Parses `q` into terms; a malformed query is a 400 `invalid_query` naming `q`.
 *
 * @example
 * parseSearch('service:api -"health check" level:>=warn');
 */
export function parseSearch(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const raw of tokens(q)) {
    const negate = raw.length > 1 && raw.startsWith('-');
    const body = negate ? raw.slice(1) : raw;
    const colon = body.startsWith('"') ? -1 : body.indexOf(':');
    if (colon > 0) {
      const name = body.slice(0, colon);
      let value = body.slice(colon + 1);
      const compare = /^(>=|<=|>|<)/.exec(value)?.[0] as Compare | undefined;
      if (compare) value = value.slice(compare.length);
      value = unquote(value);
      if (value === '') invalid(`${name}: has no value`);
      const field = FIELD_ALIASES[name.toLowerCase()] ?? name.replace(/^attributes\./, '');
      if (compare && field !== 'level' && !Number.isFinite(Number(value))) invalid(`${name}:${compare} needs a number`);
      if (field === 'level' && !(value.toLowerCase() in LEVEL_RANK) && !value.includes('*')) {
        invalid(`level: one of ${Object.keys(LEVEL_RANK).join(', ')}`);
      }
      terms.push(compare ? { kind: 'field', negate, field, value, compare } : { kind: 'field', negate, field, value });
    } else {
      const text = unquote(body);
      if (text !== '') terms.push({ kind: 'text', negate, text: text.toLowerCase() });
    }
    if (terms.length > MAX_QUERY_TERMS) invalid(`at most ${MAX_QUERY_TERMS} terms`);
  }
  return terms;
}

// What a bare word searches, as a hosted log search would: the message first (the usual hit, so
// the attributes are serialized only when it misses), then service, host, trace id and attributes.
function hasText(record: LogRecord, needle: string): boolean {
  if (
    String(record.msg ?? '')
      .toLowerCase()
      .includes(needle)
  )
    return true;
  for (const field of [record.service, record.host, record.traceId]) {
    if (typeof field === 'string' && field.toLowerCase().includes(needle)) return true;
  }
  return record.attributes !== undefined && JSON.stringify(record.attributes).toLowerCase().includes(needle);
}

/** The value at a dotted attribute path (own keys only), or undefined. */
function attributeAt(attributes: Record<string, unknown> | undefined, path: string): unknown {
  if (attributes === undefined) return undefined;
  if (Object.hasOwn(attributes, path)) return attributes[path]; // a flat key with dots (OTel style)
  let at: unknown = attributes;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function fieldValue(record: LogRecord, field: string): unknown {
  switch (field) {
    case 'level':
    case 'service':
    case 'host':
    case 'traceId':
    case 'spanId':
    case 'msg':
      return record[field];
    default:
      return attributeAt(record.attributes, field);
  }
}

function wildcard(value: string): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'is');
}

function fieldMatcher(term: Extract<SearchTerm, { kind: 'field' }>): (record: LogRecord) => boolean {
  const { field, value, compare } = term;
  if (compare) {
    const bound = field === 'level' ? LEVEL_RANK[value.toLowerCase() as Level] : Number(value);
    return (record) => {
      const v = fieldValue(record, field);
      const n = field === 'level' ? LEVEL_RANK[v as Level] : typeof v === 'number' ? v : Number(v);
      if (typeof n !== 'number' || !Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) return false;
      return compare === '>' ? n > bound : compare === '>=' ? n >= bound : compare === '<' ? n < bound : n <= bound;
    };
  }
  if (field === 'msg') {
    const needle = value.toLowerCase();
    return (record) =>
      String(record.msg ?? '')
        .toLowerCase()
        .includes(needle);
  }
  const pattern = value.includes('*') ? wildcard(value) : undefined;
  const exact = value.toLowerCase();
  return (record) => {
    const v = fieldValue(record, field);
    if (v === undefined || v === null || typeof v === 'object') return false;
    const s = String(v);
    return pattern ? pattern.test(s) : s.toLowerCase() === exact;
  };
}

/**
 * Compiles terms into one predicate over a record; no terms match everything.
 *
 * @example
 * const match = compileSearch(parseSearch('service:api -timeout'));
 * match({ time, level: 'error', msg: 'db timeout', service: 'api' }); // false
 */
export function compileSearch(terms: readonly SearchTerm[]): (record: LogRecord) => boolean {
  const tests = terms.map((t) => {
    const test = t.kind === 'text' ? (r: LogRecord) => hasText(r, t.text) : fieldMatcher(t);
    return t.negate ? (r: LogRecord) => !test(r) : test;
  });
  return (record) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(record)) return false;
    return true;
  };
}
