/**
 * What the recorder has seen, printed every 30 s while the lab runs, so a person can check that each
 * fault really shows (driver errors, Node's crash output, 5xx) without opening the recording.
 */

import type { ClientMinutes } from './client-minutes.js';
import type { LabSystem } from './lab-system.js';

const MARKERS: Array<[string, RegExp]> = [
  ['ECONNREFUSED', /ECONNREFUSED/],
  ['heap-limit', /Reached heap limit|heap out of memory/],
  ['pool-timeout', /timeout exceeded when trying to connect/],
  ['TypeError', /TypeError/],
  ['SyntaxError', /SyntaxError/],
  ['pg-22P02', /invalid input syntax for type integer/],
  ['503', /\b503\b/],
  ['timeout', /TimeoutError|aborted due to timeout/],
];

/** Counters over the records seen since the last report. */
export class LiveView {
  #byService = new Map<string, number>();
  #errors = 0;
  #markers = new Map<string, number>();
  #total = 0;

  constructor(readonly log: (msg: string) => void) {}

  /** Counts one received record. */
  see(record: unknown): void {
    this.#total++;
    const r = (record && typeof record === 'object' ? record : { msg: record }) as Record<string, unknown>;
    const svc = typeof r.service === 'string' ? r.service : '?';
    this.#byService.set(svc, (this.#byService.get(svc) ?? 0) + 1);
    const level = r.level;
    if (level === 'error' || level === 'fatal' || (typeof level === 'number' && level >= 50)) this.#errors++;
    const text = JSON.stringify(record);
    for (const [name, re] of MARKERS) if (re.test(text)) this.#markers.set(name, (this.#markers.get(name) ?? 0) + 1);
  }

  /** Prints the counters and resets them. */
  report(clients: ClientMinutes, lab: LabSystem): void {
    const load = clients.totals();
    const svc = [...this.#byService].map(([k, v]) => `${k}=${v}`).join(' ');
    const mk = [...this.#markers].map(([k, v]) => `${k}=${v}`).join(' ') || '-';
    const restarts = [...lab.supervisor.restarts].map(([k, v]) => `${k}=${v}`).join(' ') || '-';
    this.log(
      `records ${this.#total} (${svc}) errors ${this.#errors} markers ${mk} | load ${load.requests} requests, ${load.status5xx} 5xx, ${load.failed} failed, ${load.dropped} dropped | restarts ${restarts} | total recorded ${lab.recorder.records}`,
    );
    this.#byService.clear();
    this.#markers.clear();
    this.#errors = 0;
    this.#total = 0;
  }
}
