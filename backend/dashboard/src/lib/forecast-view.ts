import type { ActionEvidence, Forecast } from '@cloudsage/schema';

// What the forecast card shows, as pure functions (tested in Node): the headline and details of a
// forecast of any age, times in the viewer's zone, and links to the logs behind each action.

/** `2026-11-24 09:10 UTC`, as the server writes times into forecast text. */
const UTC_TIME = /\b(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC\b/g;

/** The default formatter: the viewer's locale and zone, short date and time with the zone's name. */
// Field options, not dateStyle/timeStyle: those may not be combined with timeZoneName (a TypeError
// in V8, which blanked the whole Overview tab).
const localFormat = (d: Date) =>
  d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });

/**
 * Rewrites the UTC times in forecast text into the viewer's zone.
 *
 * @example
 * localizeTimes('since 2026-11-24 09:10 UTC'); // 'since 24/11/2026, 10:10 CET' in Paris
 */
export function localizeTimes(text: string, format: (d: Date) => string = localFormat): string {
  return text.replace(UTC_TIME, (whole, day: string, hm: string) => {
    const d = new Date(`${day}T${hm}:00Z`);
    return Number.isNaN(d.getTime()) ? whole : format(d);
  });
}

/**
 * The headline and the detail lines of a forecast. Forecasts made before `headline` existed lead
 * with their first sentence; newer `text` starts with the headline, which is not repeated.
 */
export function forecastParts(f: Pick<Forecast, 'text' | 'headline'>): { headline: string; details: string[] } {
  const lines = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  if (f.headline) {
    const rest = f.text.startsWith(f.headline) ? f.text.slice(f.headline.length) : f.text;
    return { headline: f.headline, details: lines(rest) };
  }
  const end = f.text.search(/[.!?](\s|$)/);
  if (end < 0) return { headline: f.text.trim(), details: [] };
  const headline = f.text.slice(0, end + 1).trim();
  return { headline, details: lines(f.text.slice(end + 1)).flatMap((l) => l.split(/(?<=[.!?])\s+(?=[A-Z])/)) };
}

// The server's template placeholders (the worker's masks and Drain's wildcard).
const PLACEHOLDER = /<(?:NUM|IP|HEX|UUID|ID|\*)>/;

/**
 * The longest literal piece of a template: what the logs search (a substring of the message) can
 * find every line of it by.
 *
 * @example
 * searchTextOf('db timeout after <NUM>ms on query <*>'); // 'db timeout after'
 */
export function searchTextOf(template: string): string {
  const pieces = template
    .split(PLACEHOLDER)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const best = pieces.reduce((a, p) => (p.length > a.length ? p : a), '');
  return best.slice(0, 200);
}

/** A service name that stands as a `service:` term value without quoting. */
const PLAIN_VALUE = /^[\w.@/-]+$/;

/**
 * The logs search for an action's evidence, in the logs query grammar: `service:<name>` and the
 * template's longest literal piece as a quoted phrase (a piece holding a `"` is left out: the
 * phrase could not hold it).
 *
 * @example
 * evidenceQuery({ service: 'checkout', template: 'db timeout after <NUM>ms' }); // 'service:checkout "db timeout after"'
 */
export function evidenceQuery(e: Pick<ActionEvidence, 'service' | 'template'>): string {
  const terms: string[] = [];
  if (e.service && PLAIN_VALUE.test(e.service)) terms.push(`service:${e.service}`);
  const text = e.template ? searchTextOf(e.template.replace(/"/g, ' <*> ')) : '';
  if (text) terms.push(`"${text}"`);
  return terms.join(' ');
}

/**
 * The logs view filtered to an action's evidence: its time range, its service and template text
 * (evidenceQuery), and warn-and-above for a template.
 *
 * @example
 * logsHref('p1', { from: '...', to: '...', service: 'checkout', template: 'db timeout after <NUM>ms' });
 * // '/projects/p1?tab=logs&from=...&to=...&q=service%3Acheckout+%22db+timeout+after%22&level=warn'
 */
export function logsHref(projectId: string, e: ActionEvidence): string {
  const params = new URLSearchParams({ tab: 'logs', from: e.from, to: e.to });
  const q = evidenceQuery(e);
  if (q) params.set('q', q);
  if (e.template) params.set('level', 'warn');
  return `/projects/${encodeURIComponent(projectId)}?${params}`;
}

/** How the link to an action's logs reads: what and when, in the viewer's zone. */
export function evidenceLabel(e: ActionEvidence, format: (d: Date) => string = localFormat): string {
  const what = [e.service, e.release].filter(Boolean).join(' ');
  return `Logs${what ? ` of ${what}` : ''}, ${format(new Date(e.from))} to ${format(new Date(e.to))}`;
}
