const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Values (0-100) resampled to `width` columns, each the maximum of its slice (a spike stays visible). */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / width));
    let max = 0;
    for (let i = from; i < to; i++) max = Math.max(max, values[i]!);
    out.push(max);
  }
  return out;
}

/**
 * One-line chart of 0-100 values.
 *
 * @example
 * sparkline([0, 50, 100]); // ' ▄█'
 */
export function sparkline(values: readonly number[], width = 60): string {
  return resample(values, width)
    .map((v) => BLOCKS[Math.round((Math.min(100, Math.max(0, v)) / 100) * 8)]!)
    .join('');
}

/**
 * A small bar chart of 0-100 values, `rows` high, with a 0/50/100 axis and the first and last labels
 * under it.
 *
 * @example
 * barChart([10, 40, 90], { rows: 4, from: '11-01', to: '11-30' });
 */
export function barChart(
  values: readonly number[],
  options: { rows?: number; width?: number; from?: string; to?: string } = {},
): string {
  const rows = options.rows ?? 8;
  const cols = resample(values, options.width ?? 60);
  const lines: string[] = [];
  for (let r = rows - 1; r >= 0; r--) {
    const axis = r === rows - 1 ? '100 ┤' : r === 0 ? '  0 ┤' : r === Math.floor((rows - 1) / 2) ? ' 50 ┤' : '    │';
    let line = axis;
    for (const v of cols) {
      const eighths = Math.round((Math.min(100, Math.max(0, v)) / 100) * rows * 8) - r * 8;
      line += BLOCKS[Math.max(0, Math.min(8, eighths))]!;
    }
    lines.push(line.trimEnd());
  }
  lines.push(`    └${'─'.repeat(cols.length)}`);
  if (options.from || options.to) {
    const from = options.from ?? '';
    const to = options.to ?? '';
    lines.push(`     ${from}${' '.repeat(Math.max(1, cols.length - from.length - to.length))}${to}`);
  }
  return `${lines.join('\n')}\n`;
}
