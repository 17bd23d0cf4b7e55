import { CloudSage, CloudSageError } from '@cloudsage/node';
import type { Forecast, RiskHistory } from '@cloudsage/schema';
import { barChart, sparkline } from '../chart.js';
import type { ReadConfig } from '../config.js';
import { AgentError } from '../errors.js';

function client(config: ReadConfig): CloudSage {
  return new CloudSage({
    endpoint: config.endpoint!,
    apiKey: config.apiKey!,
    ...(config.projectId ? { projectId: config.projectId } : {}),
    exitHooks: false,
    requestTimeoutMs: 15_000,
  });
}

function readFailed(what: string, err: unknown): AgentError {
  if (err instanceof CloudSageError) {
    const status = err.status === undefined ? '' : ` (HTTP ${err.status})`;
    return new AgentError('read_failed', `${what} failed: ${err.code}${status}: ${err.message}`, { cause: err });
  }
  return new AgentError('read_failed', `${what} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** Today's forecast as terminal text. */
export function formatForecast(f: Forecast, width = 60): string {
  const p = f.predicted;
  const out = [
    `Forecast for ${f.projectId} on ${f.date} (${f.generatedBy}, ${f.basis.confidence} confidence)`,
    `Predicted risk: ${Math.round(p.score)} (${Math.round(p.low)}-${Math.round(p.high)}) over the next ${p.horizonHours} h`,
  ];
  if (p.series.length > 0)
    out.push(
      `Next ${p.horizonHours} h:  ${sparkline(
        p.series.map((s) => s.score),
        width,
      )}`,
    );
  out.push('', f.text, '', 'Actions:', ...f.actions.map((a, i) => `  ${i + 1}. ${a}`));
  if (f.basis.droppedRecords) out.push('', `Note: ${f.basis.droppedRecords} records were dropped before they arrived.`);
  return `${out.join('\n')}\n`;
}

/** The risk history as a terminal bar chart with a summary line. */
export function formatHistory(points: RiskHistory, days: number, width = 60): string {
  if (points.length === 0) return `No risk history in the last ${days} day(s) yet.\n`;
  const scores = points.map((p) => p.score);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const max = points.reduce((a, p) => (p.score > a.score ? p : a), first);
  const summary =
    `Risk history, last ${days} day(s): ${points.length} point(s); now ${Math.round(last.score)}` +
    `${last.labels.length ? ` (${last.labels.join(', ')})` : ''}; peak ${Math.round(max.score)} at ${max.timestamp}`;
  const chart = barChart(scores, { width, from: first.timestamp.slice(0, 16), to: last.timestamp.slice(0, 16) });
  return `${summary}\n${chart}`;
}

/**
 * `cloudsage forecast [projectId]`: prints today's forecast (or its JSON with `--json`).
 *
 * @example
 * process.stdout.write(await forecastCommand(config, undefined));
 */
export async function forecastCommand(config: ReadConfig, projectId: string | undefined): Promise<string> {
  const c = client(config);
  try {
    const f = await c.getForecast(projectId ?? config.projectId);
    return config.json ? `${JSON.stringify(f, null, 2)}\n` : formatForecast(f, config.width);
  } catch (err) {
    throw readFailed('getting the forecast', err);
  } finally {
    await c.shutdown({ timeoutMs: 0 });
  }
}

/**
 * `cloudsage history`: prints the risk history of the last `--days` as a chart (or JSON with `--json`).
 *
 * @example
 * process.stdout.write(await historyCommand(config, undefined));
 */
export async function historyCommand(config: ReadConfig, projectId: string | undefined): Promise<string> {
  const c = client(config);
  try {
    const pid = projectId ?? config.projectId;
    const points = await c.getRiskHistory({ days: config.days, ...(pid ? { projectId: pid } : {}) });
    return config.json ? `${JSON.stringify(points, null, 2)}\n` : formatHistory(points, config.days, config.width);
  } catch (err) {
    throw readFailed('getting the risk history', err);
  } finally {
    await c.shutdown({ timeoutMs: 0 });
  }
}
