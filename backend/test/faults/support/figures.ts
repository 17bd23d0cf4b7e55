import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the measured figures go, for docs/reliability.md to quote (gitignored). */
export const FIGURES_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../../../bench-results/faults.json');

/** What one fault case measured. */
export interface CaseFigures {
  case: string;
  store: 'sqlite' | 'postgres' | 's3' | 'files' | string;
  /** Records the clients counted as acknowledged (202). */
  acked: number;
  /** Distinct records found in the stores afterwards. */
  stored: number;
  /** Records stored more than once. */
  duplicates: number;
  /** Acknowledged records not stored. */
  lost: number;
  /** 503 answers the clients saw (each with a Retry-After unless noted). */
  status503: number;
  /** Requests that failed without an answer (refused or cut connections). */
  networkErrors: number;
  /** From the end of the fault to the first acknowledged batch after it. */
  recoveryMs: number | null;
  /** The fault's length or count, and anything else worth quoting. */
  notes: string;
}

interface FiguresFile {
  startedAt: string;
  settings: Record<string, number>;
  cases: CaseFigures[];
}

function read(): FiguresFile | undefined {
  try {
    return JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as FiguresFile;
  } catch {
    return undefined;
  }
}

/** Starts a fresh figures file (the suite's global setup calls it). */
export function resetFigures(settings: Record<string, number>): void {
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  const file: FiguresFile = { startedAt: new Date().toISOString(), settings, cases: [] };
  writeFileSync(FIGURES_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

/** Adds one case's figures; files run one at a time, so read-modify-write is safe. */
export function recordFigures(figures: CaseFigures): void {
  const file = read() ?? { startedAt: new Date().toISOString(), settings: {}, cases: [] };
  file.cases = file.cases.filter((c) => !(c.case === figures.case && c.store === figures.store));
  file.cases.push(figures);
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  writeFileSync(FIGURES_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

/** The figures as a fixed-width table. */
export function figuresTable(): string {
  const file = read();
  if (!file || file.cases.length === 0) return 'no fault figures recorded';
  const head = ['case', 'store', 'acked', 'stored', 'dup', 'lost', '503s', 'net err', 'recovery', 'notes'];
  const rows = file.cases.map((c) => [
    c.case,
    c.store,
    String(c.acked),
    String(c.stored),
    String(c.duplicates),
    String(c.lost),
    String(c.status503),
    String(c.networkErrors),
    c.recoveryMs === null ? '-' : `${(c.recoveryMs / 1000).toFixed(1)} s`,
    c.notes,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
