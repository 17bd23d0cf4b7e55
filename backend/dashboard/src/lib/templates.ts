import type { Level, LogRecord } from '@cloudsage/schema';

// The worker mines templates with Drain over the whole stream; for the page of logs on screen a
// masking pass is enough: variable-looking tokens become <*> and equal skeletons group together.
const MASKS: Array<[RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<*>'],
  [/\b\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?\b/g, '<*>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<*>'],
  [/\b0x[0-9a-f]+\b/gi, '<*>'],
  [/\b[0-9a-f]{12,}\b/gi, '<*>'],
  [/"[^"]{0,200}"/g, '"<*>"'],
  [/\b\d+(?:\.\d+)?(?:ms|s|kb|mb|gb|%)?\b/gi, '<*>'],
];

/** The template of a message: the message with numbers, ids, addresses and quoted values masked. */
export function templateOf(msg: string): string {
  let t = msg.length > 500 ? msg.slice(0, 500) : msg;
  for (const [re, to] of MASKS) t = t.replace(re, to);
  return t.replace(/(?:<\*>[\s,]*){2,}/g, '<*> ').trim();
}

/** One template group of the logs on screen. */
export interface TemplateGroup {
  template: string;
  count: number;
  /** The highest level seen in the group. */
  level: Level;
  lastSeen: string;
  example: LogRecord;
}

const RANK: Record<Level, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Groups records by template, most frequent first (ties: most severe first). */
export function groupByTemplate(records: readonly LogRecord[]): TemplateGroup[] {
  const groups = new Map<string, TemplateGroup>();
  for (const r of records) {
    const template = templateOf(r.msg);
    const g = groups.get(template);
    if (!g) groups.set(template, { template, count: 1, level: r.level, lastSeen: r.time, example: r });
    else {
      g.count++;
      if (RANK[r.level] > RANK[g.level]) g.level = r.level;
      if (r.time > g.lastSeen) g.lastSeen = r.time;
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || RANK[b.level] - RANK[a.level]);
}
