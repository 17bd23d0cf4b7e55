/**
 * Releases in the raw logs: the `version`/`release` a line carries, and deploys (a line saying so,
 * or the first line of a version the scan did not see from its start). An action that says "it
 * began with release v2.15.0" points at the change to roll back, not just at a time.
 */

import type { LogRecord } from '@cloudsage/schema';
import type { DeployFact } from './facts.js';

const RELEASE_KEYS = ['version', 'release', 'service.version', 'app.version', 'deployment.version'];
/** "deployed v2.15.0", "release 2.15.0 rolled out", "rolled back to v2.14.3" */
const DEPLOY_LINE =
  /\b(?:deploy(?:ed|ing|ment)?|releas(?:ed|ing)|roll(?:ed|ing) (?:out|back)|rollback|upgraded)\b[^\n]{0,60}?\b(v?\d+(?:\.\d+){1,3}(?:-[\w.]+)?)\b/i;

function attr(record: LogRecord, key: string): unknown {
  const a = record.attributes as Record<string, unknown> | undefined;
  return a && Object.hasOwn(a, key) ? a[key] : undefined;
}

/** The release a record names in its fields, cut to a readable length. */
export function releaseOf(record: LogRecord): string | undefined {
  for (const k of RELEASE_KEYS) {
    const v = attr(record, k);
    if ((typeof v === 'string' && v.trim()) || (typeof v === 'number' && Number.isFinite(v))) {
      return String(v).trim().slice(0, 60);
    }
  }
  return undefined;
}

/** The release a deploy line announces ("deployed checkout v2.15.0"), if the message is one. */
export function deployedRelease(msg: string): string | undefined {
  return DEPLOY_LINE.exec(msg.split('\n', 1)[0] ?? '')?.[1];
}

/**
 * Collects deploys from records seen in any order (a scan reads the newest batches first): deploy
 * lines as they are, and per service the first line of each version, which counts as a deploy when
 * the same service logged another version before it within the scan.
 */
export class DeployTally {
  readonly #lines = new Map<string, DeployFact>();
  /** service -> release -> first time seen */
  readonly #firstOf = new Map<string, Map<string, number>>();

  observe(record: LogRecord, service: string | undefined): void {
    const t = Date.parse(record.time);
    if (!Number.isFinite(t)) return;
    const announced = deployedRelease(record.msg ?? '');
    if (announced) {
      const key = `${service ?? ''}|${announced}`;
      const prev = this.#lines.get(key);
      if (!prev || t < prev.at) this.#lines.set(key, { release: announced, at: t, ...(service ? { service } : {}) });
    }
    const release = releaseOf(record);
    if (!release) return;
    const svc = service ?? '';
    let firsts = this.#firstOf.get(svc);
    if (!firsts) {
      firsts = new Map();
      this.#firstOf.set(svc, firsts);
    }
    const prev = firsts.get(release);
    if (prev === undefined || t < prev) firsts.set(release, t);
  }

  /** Deploys oldest first; a version's first line and a deploy line of the same release count once. */
  deploys(): DeployFact[] {
    const out = new Map<string, DeployFact>(this.#lines);
    for (const [svc, firsts] of this.#firstOf) {
      const earliest = Math.min(...firsts.values());
      for (const [release, at] of firsts) {
        if (at === earliest) continue; // the version running when the scan starts: no deploy seen
        const key = `${svc}|${release}`;
        const prev = out.get(key);
        if (!prev || at < prev.at) out.set(key, { release, at, ...(svc ? { service: svc } : {}) });
      }
    }
    return [...out.values()].sort((a, b) => a.at - b.at || a.release.localeCompare(b.release));
  }
}
