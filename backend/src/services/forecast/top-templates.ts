/** Which error templates a forecast talks about: recent ones first, then by severity, recency and size. */

import type { Baseline } from '@cloudsage/schema';
import type { TemplateFact } from './facts.js';

/** Top templates kept in the facts. */
const TOP_TEMPLATES = 5;
const LEVEL_ORDER: Record<string, number> = { fatal: 3, error: 2, warn: 1 };

/** A template named by the explanations of the last 24 h, with its lines summed. */
export interface RecentTemplate {
  pattern: string;
  count: number;
  first: number;
}

/** Ranks baseline and recently explained templates: recent lines first, then severity, recency, size. */
export function topTemplates(
  baseline: Baseline | undefined,
  recent: ReadonlyMap<string, RecentTemplate>,
  limit = TOP_TEMPLATES,
): Omit<TemplateFact, 'services' | 'endpoints'>[] {
  const out = new Map<string, Omit<TemplateFact, 'services' | 'endpoints'>>();
  for (const t of baseline?.templates ?? []) {
    const level = t.level ?? 'warn';
    const r = recent.get(t.id);
    if (!(LEVEL_ORDER[level] ?? 0) && !r) continue;
    const fact: Omit<TemplateFact, 'services' | 'endpoints'> = {
      id: t.id,
      pattern: t.pattern,
      level,
      count: t.count,
      firstSeen: Date.parse(t.firstSeen),
      lastSeen: Date.parse(t.lastSeen),
      recentCount: r?.count ?? 0,
    };
    if (t.rate !== undefined) fact.usualPerWindow = t.rate;
    out.set(t.id, fact);
  }
  for (const [id, r] of recent) {
    if (out.has(id)) continue;
    out.set(id, {
      id,
      pattern: r.pattern,
      level: 'error',
      count: r.count,
      firstSeen: r.first,
      lastSeen: r.first,
      recentCount: r.count,
    });
  }
  return [...out.values()]
    .sort(
      (a, b) =>
        b.recentCount - a.recentCount ||
        (LEVEL_ORDER[b.level] ?? 0) - (LEVEL_ORDER[a.level] ?? 0) ||
        b.lastSeen - a.lastSeen ||
        b.count - a.count ||
        a.id.localeCompare(b.id),
    )
    .slice(0, limit);
}
