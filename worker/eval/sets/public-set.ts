/**
 * The `public` set: loghub's 2k samples (worker/eval/public/) turned into recordings of the lab's
 * format, so they replay through the same path. Each line arrives at its own timestamp, read from its
 * text as the agent and the backend read it (`lineTime`), and is shipped as the agent ships a
 * plain-text line (`normalizeLine`, stamped with the sample's name as service). Thunderbird marks
 * alert lines with a category in its first column; that column is taken off the shipped line and
 * consecutive alerts become faults of kind `alert`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { leadingTimestamp, normalizeLine } from '@cloudsage/schema';
import type { Fault, Labels } from './labels.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the samples are committed. */
export const PUBLIC_DIR = join(here, '..', 'public');

/** One sample: how its lines' times are read, and what of a line is shipped. */
export interface Sample {
  name: string;
  /** The year assumed for a format that writes none (else the year of the receive time). */
  year?: number;
  /**
   * The line's own time where the product does not read it from the text, or undefined when it has
   * none. Without it the time is what the agent and the backend read (`leadingTimestamp`).
   */
  time?(line: string): number | undefined;
  /** The text shipped (the line itself, except Thunderbird's label column). */
  text?(line: string): string;
  /** The alert category a line is labelled with, if the sample labels lines. */
  alert?(line: string): string | undefined;
  /** Set when the sample comes from a run loghub labels abnormal without a time (see Labels.abnormal). */
  abnormal?: string;
}

/**
 * A line's time (ms, UTC), or undefined when it has none (it then arrives with the line before). Read
 * as the product reads a plain-text line, so the set also shows that it does; a format without a year
 * is read in the sample's assumed one.
 */
export function lineTime(sample: Sample, line: string): number | undefined {
  if (sample.time !== undefined) return sample.time(line);
  // Received at the end of the assumed year, a yearless line falls in it; a format that writes its
  // year reads it from the line.
  return leadingTimestamp(line, Date.UTC(sample.year ?? 2026, 11, 31, 23, 59, 59));
}

/** The samples, with a line of each format. Where a format has no year, the year assumed is named. */
export const SAMPLES: readonly Sample[] = [
  {
    // "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 ...": label column, then epoch seconds and the day.
    name: 'Thunderbird',
    text: (l) => l.slice(l.indexOf(' ') + 1),
    alert: (l) => {
      const label = l.slice(0, l.indexOf(' '));
      return label === '-' || label === '' ? undefined : label;
    },
  },
  // "081109 203615 148 INFO ...": yyMMdd HHmmss.
  { name: 'HDFS' },
  // "[Sun Dec 04 04:47:44 2005] [notice] ...".
  { name: 'Apache' },
  // "Dec 10 06:55:46 LabSZ sshd[24200]: ...": syslog without a year; 2015 is assumed.
  { name: 'OpenSSH', year: 2015 },
  // "2015-07-29 17:41:44,747 - INFO ...".
  { name: 'Zookeeper' },
  // "17/06/09 20:10:40 INFO ...": yy/MM/dd.
  { name: 'Spark' },
  {
    // "2015-10-18 18:01:47,978 INFO ...".
    name: 'Hadoop',
    // The sample is the application master log of application_1445144423722_0020, which loghub's
    // Hadoop abnormal_label.txt (full data set) lists under "Network disconnection".
    abnormal: 'loghub labels application_1445144423722_0020 "Network disconnection" (no injection time)',
  },
  {
    name: 'HPC',
    // "134681 node-246 unix.hw state_change.unavailable 1077804742 1 ...": the fifth field is epoch
    // seconds, which the product does not read from text (nothing there vouches for it being a time).
    time: (l) => {
      const m = /^\S+ \S+ \S+ \S+ (\d{9,10}) /.exec(l);
      return m ? Number(m[1]) * 1000 : undefined;
    },
  },
  // "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: ...": syslog without a year; 2005 is assumed.
  { name: 'Linux', year: 2005 },
  // "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO ...": the file name, then the time.
  { name: 'OpenStack' },
  // "Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: ...": syslog without a year; 2017 is assumed.
  { name: 'Mac', year: 2017 },
  // "2016-09-28 04:30:30, Info  CBS  ...": Windows servicing (CBS) log.
  { name: 'Windows' },
  // "03-17 16:13:38.811  1702  2395 D WindowManager: ...": logcat without a year; 2017 is assumed.
  { name: 'Android', year: 2017 },
  // "20171223-22:15:29:606|Step_LSC|30002312|...": yyyyMMdd-HH:mm:ss:SSS, the milliseconds unpadded.
  { name: 'HealthApp' },
  // "[10.30 16:49:06] chrome.exe - ...": month.day without a year; 2016 is assumed.
  { name: 'Proxifier', year: 2016 },
];

/** A sample's non-blank lines, in the file's order. */
export function sampleLines(name: string): string[] {
  const raw = gunzipSync(readFileSync(join(PUBLIC_DIR, `${name}_2k.log.gz`))).toString('utf8');
  return raw.split('\n').filter((l) => l.trim() !== '');
}

/** Alerts closer than this belong to one fault. */
const ALERT_GAP_MS = 60_000;

/**
 * Writes the sample as a recording (`records.ndjson.gz`, `labels.json`) under `outDir/<name>` and
 * answers that folder. Lines are ordered by their time (stable); a line without one keeps the time
 * of the line before it.
 */
export function writePublicRecording(sample: Sample, outDir: string): string {
  const lines = sampleLines(sample.name);
  let last = 0;
  const timed = lines.map((line, i) => {
    const t = lineTime(sample, line);
    if (t === undefined && i === 0) throw new Error(`${sample.name}: the first line has no time: ${line}`);
    last = t ?? last;
    return { at: last, line, i };
  });
  timed.sort((a, b) => a.at - b.at || a.i - b.i);
  let out = '';
  const faults: Fault[] = [];
  for (const { at, line } of timed) {
    const text = sample.text ? sample.text(line) : line;
    const result = normalizeLine(text, at);
    if (result.ok) out += `${JSON.stringify({ at, record: { ...result.record, service: sample.name } })}\n`;
    const alert = sample.alert?.(line);
    if (alert !== undefined) {
      const open = faults[faults.length - 1];
      const to = at + 1000;
      if (open && Date.parse(open.to) + ALERT_GAP_MS >= at) open.to = new Date(to).toISOString();
      else {
        faults.push({
          kind: 'alert',
          service: sample.name,
          from: new Date(at).toISOString(),
          to: new Date(to).toISOString(),
          note: `alert category ${alert}`,
        });
      }
    }
  }
  const dir = join(outDir, sample.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'records.ndjson.gz'), gzipSync(out));
  const labels: Labels = {
    name: sample.name,
    startedAt: new Date(timed[0]!.at).toISOString(),
    endedAt: new Date(timed[timed.length - 1]!.at).toISOString(),
    services: [sample.name],
    faults,
    labelled: sample.alert !== undefined,
    ...(sample.abnormal ? { abnormal: sample.abnormal } : {}),
  };
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels, null, 2));
  return dir;
}
