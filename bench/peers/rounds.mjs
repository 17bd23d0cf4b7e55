// Interleaved rounds (BENCH_ROUNDS): every selected case runs once per round, in turn, so a busy spell on a
// shared machine lands on all of them rather than on one. The report keeps each case's median run, and the
// like-for-like ratio (@cloudsage/pino over the bare forward with gzip) per round and its median.
import { LIKE_FOR_LIKE } from './cases/registry.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? undefined
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Each case's run with the median wall time (a run that delivered less than all sorts last). */
export function medianRows(rounds) {
  const byId = new Map();
  for (const round of rounds) for (const row of round) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  return [...byId.values()].map((runs) => {
    const key = (r) => (r.complete ? r.wallMs : Number.POSITIVE_INFINITY);
    const sorted = [...runs].sort((a, b) => key(a) - key(b));
    return sorted[(sorted.length - 1) >> 1];
  });
}

/** Markdown: each case's wall time per round, and each pair's per-round ratios with their median. */
export function renderRounds(rounds) {
  if (rounds.length < 2) return '';
  const ids = rounds[0].map((r) => r.id);
  const wall = (r) => (r?.complete ? `${(r.wallMs / 1000).toFixed(2)}` : '-');
  const lines = [
    `## ${rounds.length} interleaved rounds`,
    '',
    `| run | ${rounds.map((_, i) => `round ${i + 1} (s)`).join(' | ')} |`,
    `|---|${rounds.map(() => '---:').join('|')}|`,
  ];
  for (const id of ids)
    lines.push(`| ${id} | ${rounds.map((round) => wall(round.find((r) => r.id === id))).join(' | ')} |`);
  for (const { shipper: a, floor: b, target } of LIKE_FOR_LIKE) {
    if (!ids.includes(a) || !ids.includes(b)) continue;
    const ratios = rounds
      .map((round) => [round.find((r) => r.id === a), round.find((r) => r.id === b)])
      .filter(([x, y]) => x?.complete && y?.complete)
      .map(([x, y]) => x.wallMs / y.wallMs);
    const m = median(ratios);
    lines.push(
      '',
      `${a} / ${b}, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median **${m === undefined ? '-' : m.toFixed(2)}×** (target ≤ ${target}×: ${m !== undefined && m <= target ? 'yes' : 'NO'})`,
    );
  }
  return lines.join('\n');
}
