/*
 * Fault-suite settings (docs/architecture.md, "Tests and time": outage lengths are settings, short in CI).
 * Outside CI the defaults are the lengths issue #10 names (a 30 s bucket outage, the worker down
 * two minutes); CI runs the same cases with short outages so the suite stays within minutes.
 */

const CI = process.env.CI === 'true' || process.env.CI === '1';

function ms(name: string, ciDefault: number, fullDefault: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return CI ? ciDefault : fullDefault;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of milliseconds`);
  return value;
}

/** Lengths and counts of every fault case; each can be set by its environment variable. */
export const FAULTS = {
  /** SIGKILLs of the backend during steady ingest (case 1). */
  kills: ms('CLOUDSAGE_FAULTS_KILLS', 5, 5),
  /** SDK clients that ingest at once. */
  clients: ms('CLOUDSAGE_FAULTS_CLIENTS', 3, 3),
  /** How long the bucket, PostgreSQL or the disk stays broken (cases 3, 4, 6). */
  outageMs: ms('CLOUDSAGE_FAULTS_OUTAGE_MS', 3_000, 30_000),
  /** How long the worker stays down (case 2). */
  workerDownMs: ms('CLOUDSAGE_FAULTS_WORKER_DOWN_MS', 4_000, 120_000),
  /** How long the worker is slow after that: it is paused (SIGSTOP) for stretches of this length. */
  workerSlowMs: ms('CLOUDSAGE_FAULTS_WORKER_SLOW_MS', 3_000, 20_000),
  /** Socket idle timeout the slowloris case sets on its backend (production: 60 s). */
  idleTimeoutMs: ms('CLOUDSAGE_FAULTS_IDLE_TIMEOUT_MS', 1_500, 60_000),
  /**
   * How long the backend stays stopped while apps log through every integration with default options
   * (backend outage case). Even the CI length outlasts a budget of 5 retries backing off from 250 ms,
   * the client default that lost records in such an outage (issue #18).
   */
  backendOutageMs: ms('CLOUDSAGE_FAULTS_BACKEND_OUTAGE_MS', 15_000, 60_000),
} as const;

/** A test timeout that grows with the configured outage lengths. */
export function timeoutFor(...lengths: number[]): number {
  return 120_000 + lengths.reduce((a, b) => a + b, 0) * 3;
}
