/** Number and time formatting for forecast text: fixed (en, UTC) so the same facts read the same everywhere. */

/** `1,234` */
export function count(n: number): string {
  // Not toLocaleString: its first call loads ICU data (tens of ms), and the output must not vary by locale.
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A count with its noun, singular for exactly one: `1 line`, `2 lines`, `1,234 windows`. `many`
 * defaults to `one` + "s"; pass it for irregular nouns (`batch`, `batches`).
 *
 * @example
 * plural(1, 'line'); // '1 line'
 * plural(3, 'batch', 'batches'); // '3 batches'
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  const rounded = Math.round(n);
  return `${count(rounded)} ${rounded === 1 ? one : many}`;
}

/** `12.5%` from a 0-1 ratio (two decimals under 1%). */
export function pct(ratio: number): string {
  const p = ratio * 100;
  return `${p < 1 ? p.toFixed(2) : p.toFixed(1)}%`;
}

/** `2026-11-24 09:10 UTC` */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `3 h`, `2 days` */
export function duration(ms: number): string {
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} days`;
}

/** A score rounded for reading. */
export function score(v: number): string {
  return String(Math.round(v));
}

/** A template pattern quoted for text, cut to a readable length. */
export function quote(pattern: string, max = 100): string {
  const p = pattern.length > max ? `${pattern.slice(0, max - 1)}…` : pattern;
  return `\`${p}\``;
}
