/**
 * Where a template's lines come from: the services and endpoints of the matching warn-and-above
 * records in the recent raw logs. The baseline knows a template's pattern and counts but not who
 * wrote it; an action that names the service and endpoint is one a person can act on.
 */

import { LEVEL_RANK, type LogRecord } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';
import { type ReportSkipped, readBatchObject, SkippedTally } from '../logs/batch-reader.js';
import type { DeployFact, NameCount } from './facts.js';
import { DeployTally, releaseOf } from './release-facts.js';

/** Bounds on the scan: a forecast reads a few recent objects, never a day of a busy project. */
export interface ScanLimits {
  maxBatches: number;
  maxRecords: number;
}

/** Services, endpoints and releases per template id. */
export type TemplateOrigins = Map<string, { services: NameCount[]; endpoints: NameCount[]; releases: NameCount[] }>;

/** What a scan of the recent raw logs found: each template's origins, and the deploys. */
export interface RecentLogs {
  origins: TemplateOrigins;
  deploys: DeployFact[];
}

// The worker's masks (<NUM>, <IP>, <HEX>, <UUID>, <ID>) and Drain's wildcard stand for any text.
const PLACEHOLDER = /<(?:NUM|IP|HEX|UUID|ID|\*)>/;
/** The worker tokenizes at most this many tokens of a line (worker/src/score/mask.ts). */
const MAX_TOKENS = 40;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A matcher for one template: token by token, placeholders match any run of non-space text. */
export function templateMatcher(pattern: string): (msg: string) => boolean {
  const tokens = pattern.split(' ').slice(0, MAX_TOKENS);
  const res = tokens.map((t) => {
    if (!PLACEHOLDER.test(t)) return t;
    const parts = t.split(PLACEHOLDER).map(escapeRegExp);
    return new RegExp(`^${parts.join('\\S+?')}$`);
  });
  return (msg) => {
    const first = msg.split('\n', 1)[0] ?? '';
    const words = first.trim().split(/\s+/).slice(0, MAX_TOKENS);
    if (words.length !== res.length) return false;
    for (let i = 0; i < words.length; i++) {
      const r = res[i]!;
      if (typeof r === 'string' ? r !== words[i] : !r.test(words[i]!)) return false;
    }
    return true;
  };
}

const ENDPOINT_KEYS = ['route', 'endpoint', 'http.route', 'url.path', 'http.target', 'path', 'url'];
const METHOD_KEYS = ['method', 'http.method', 'http.request.method'];
const PATH_IN_MSG = /\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\/[^\s?"']*)/;

function attr(record: LogRecord, key: string): unknown {
  const a = record.attributes as Record<string, unknown> | undefined;
  if (!a) return undefined;
  if (key in a) return a[key];
  // pino-http nests the request under `req`.
  const req = a.req as Record<string, unknown> | undefined;
  if (req && typeof req === 'object') return req[key];
  return undefined;
}

/** The endpoint a record is about: attributes first (route, url, req.url), else `METHOD /path` in the message. */
export function endpointOf(record: LogRecord): string | undefined {
  for (const k of ENDPOINT_KEYS) {
    const v = attr(record, k);
    if (typeof v === 'string' && v.startsWith('/')) {
      const path = v.split('?')[0]!.slice(0, 120);
      const m = METHOD_KEYS.map((mk) => attr(record, mk)).find((x) => typeof x === 'string');
      return m ? `${String(m).toUpperCase()} ${path}` : path;
    }
  }
  const hit = PATH_IN_MSG.exec(record.msg ?? '');
  return hit ? `${hit[1]} ${hit[2]!.slice(0, 120)}` : undefined;
}

/** The service of a record: its `service` field, else a `service.name` attribute. */
export function serviceOf(record: LogRecord): string | undefined {
  if (typeof record.service === 'string' && record.service) return record.service.slice(0, 80);
  const v = attr(record, 'service.name');
  return typeof v === 'string' && v ? v.slice(0, 80) : undefined;
}

function top(counts: Map<string, number>): NameCount[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([name, count]) => ({ name, count }));
}

/**
 * Reads the newest batches with warn-and-above records since `from` and counts, per template, the
 * services and endpoints of the lines that match it. Torn or foreign lines and unreadable objects
 * are left out and told to `onSkipped`: the origins are a hint, not worth failing a forecast over.
 *
 * @example
 * const origins = await templateOrigins(db, bucket, 'p1', templates, Date.now() - 86_400_000);
 * origins.get('t1')?.services[0]; // { name: 'checkout', count: 212 }
 */
export async function templateOrigins(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  templates: readonly { id: string; pattern: string }[],
  from: number,
  limits: ScanLimits = { maxBatches: 40, maxRecords: 50_000 },
  onSkipped?: ReportSkipped,
): Promise<TemplateOrigins> {
  return (await scanRecentLogs(db, bucket, projectId, templates, from, limits, onSkipped)).origins;
}

/**
 * {@link templateOrigins} and, from the same records, the deploys they show (any level: a deploy
 * line is usually info) and each template's releases.
 *
 * @example
 * const { origins, deploys } = await scanRecentLogs(db, bucket, 'p1', templates, Date.now() - 86_400_000);
 * deploys.at(-1); // { release: 'v2.15.0', at: 1764000000000, service: 'checkout' }
 */
export async function scanRecentLogs(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  templates: readonly { id: string; pattern: string }[],
  from: number,
  limits: ScanLimits = { maxBatches: 40, maxRecords: 50_000 },
  onSkipped?: ReportSkipped,
): Promise<RecentLogs> {
  const out: TemplateOrigins = new Map();
  const tally = new DeployTally();
  const matchers = templates.map((t) => ({ id: t.id, match: templateMatcher(t.pattern) }));
  const services = new Map<string, Map<string, number>>();
  const endpoints = new Map<string, Map<string, number>>();
  const releases = new Map<string, Map<string, number>>();
  const batches = await db
    .selectFrom('ingest_batches')
    .select(['object_key'])
    .where('project_id', '=', projectId)
    .where('received_at', '>=', from)
    .where((eb) => eb.or([eb('count_warn', '>', 0), eb('count_error', '>', 0), eb('count_fatal', '>', 0)]))
    .orderBy('received_at', 'desc')
    .limit(limits.maxBatches)
    .execute();
  let scanned = 0;
  const skipped = new SkippedTally();
  for (const b of batches) {
    if (scanned >= limits.maxRecords) break;
    for (const { record } of skipped.recordsOf(await readBatchObject(bucket, b.object_key))) {
      if (scanned >= limits.maxRecords) break;
      scanned++;
      const service = serviceOf(record);
      tally.observe(record, service);
      if (!(LEVEL_RANK[record.level] >= LEVEL_RANK.warn)) continue;
      const hit = matchers.find((m) => m.match(record.msg));
      if (!hit) continue;
      const endpoint = endpointOf(record);
      const release = releaseOf(record);
      if (service) bump(services, hit.id, service);
      if (endpoint) bump(endpoints, hit.id, endpoint);
      if (release) bump(releases, hit.id, release);
    }
  }
  skipped.report(onSkipped);
  for (const t of templates) {
    out.set(t.id, {
      services: top(services.get(t.id) ?? new Map()),
      endpoints: top(endpoints.get(t.id) ?? new Map()),
      releases: top(releases.get(t.id) ?? new Map()),
    });
  }
  return { origins: out, deploys: tally.deploys() };
}

function bump(into: Map<string, Map<string, number>>, id: string, name: string): void {
  let m = into.get(id);
  if (!m) {
    m = new Map();
    into.set(id, m);
  }
  m.set(name, (m.get(name) ?? 0) + 1);
}
