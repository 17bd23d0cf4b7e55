import { randomUUID } from 'node:crypto';
import type { Forecast, RiskPoint } from '@cloudsage/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/sql/database.js';
import {
  ALERT_INTERVAL_MS,
  closeOpenAlert,
  markAlertOpen,
  takeAlertSlot,
  takeForecastAlertDay,
} from './alert-throttle.js';
import { SIGNATURE_HEADER, signPayload } from './signature.js';
import { postPinned, type WebhookPost } from './webhook-post.js';
import { webhookSecretFor } from './webhook-secret.js';
import { checkWebhookTarget, type ResolveHost, systemResolve, type WebhookTarget } from './webhook-target.js';

/** Settings of the alerter; retry timing is a setting so tests run fast. */
export interface AlerterOptions {
  db: Kysely<Database>;
  serverSecret: string;
  allowPrivate: boolean;
  log: FastifyBaseLogger;
  now?: () => number;
  /** Sends to the checked, pinned address (default: node:http with a pinned lookup). */
  post?: WebhookPost;
  /** Resolves a webhook's host once per send (default: the system resolver). */
  resolve?: ResolveHost;
  attempts?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  intervalMs?: number;
}

/** A project with an alert set, as the alerter reads it. */
interface AlertProject {
  id: string;
  name: string;
  url: string;
  threshold: number;
}

/** The JSON body POSTed to a project's webhook. `text` makes it a valid Slack incoming-webhook message. */
export interface AlertEvent {
  id: string;
  type: 'score.threshold_crossed' | 'score.resolved' | 'forecast.threshold_predicted';
  projectId: string;
  projectName: string;
  threshold: number;
  score: number;
  labels: string[];
  details: string[];
  at: string;
  text: string;
}

/**
 * Sends a project's alert webhook when a new score crosses its threshold upward, or when a
 * forecast predicts it will. Signed with HMAC-SHA256, retried with backoff, at most one per
 * project per 15 minutes across replicas. Never throws: failures are logged.
 */
export class Alerter {
  readonly #o: Required<AlerterOptions>;
  readonly #holder = `a_${randomUUID()}`;

  constructor(options: AlerterOptions) {
    this.#o = {
      now: Date.now,
      post: postPinned,
      resolve: systemResolve,
      attempts: 4,
      retryBaseMs: 1_000,
      timeoutMs: 5_000,
      intervalMs: ALERT_INTERVAL_MS,
      ...options,
    };
  }

  /**
   * Checks a newly stored risk point; answers whether an event went out: an alert when the score
   * crosses the threshold upward, and "resolved" when it falls back below after an alert was sent.
   */
  async onScore(projectId: string, point: RiskPoint): Promise<boolean> {
    const project = await this.#project(projectId);
    if (!project) return false;
    if (point.score < project.threshold) return this.#resolve(project, point);
    const previous = await this.#o.db
      .selectFrom('risk_history')
      .select('score')
      .where('project_id', '=', projectId)
      .where('id', '<>', point.id)
      .where('timestamp', '<=', Date.parse(point.timestamp))
      .orderBy('timestamp', 'desc')
      .limit(1)
      .executeTakeFirst();
    // Only the crossing alerts, not every point of a long incident.
    if (previous && previous.score >= project.threshold) return false;
    const details = point.explanations.slice(0, 3).map((e) => e.message);
    const sent = await this.#send(project, {
      type: 'score.threshold_crossed',
      score: point.score,
      labels: point.labels,
      details,
      text: `CloudSage: ${project.name} risk ${Math.round(point.score)} crossed ${project.threshold}${point.labels.length ? ` (${point.labels.join(', ')})` : ''}`,
    });
    if (sent) await markAlertOpen(this.#o.db, projectId, this.#holder, this.#o.now());
    return sent;
  }

  /** Sends "resolved" once for an alert that went out, when the score is back under the threshold. */
  async #resolve(project: AlertProject, point: RiskPoint): Promise<boolean> {
    if (!(await closeOpenAlert(this.#o.db, project.id, this.#o.now()))) return false;
    return this.#send(
      project,
      {
        type: 'score.resolved',
        score: point.score,
        labels: point.labels,
        details: [],
        text: `CloudSage: ${project.name} resolved: risk ${Math.round(point.score)} is back under ${project.threshold}`,
      },
      { throttled: false },
    );
  }

  /**
   * Checks a new forecast; alerts when its predicted high reaches the threshold, at most once per
   * project and UTC day: `?refresh=1` remakes the forecast and a read key may ask for it, so a
   * refresh must not be a way to send webhooks.
   */
  async onForecast(projectId: string, forecast: Forecast): Promise<boolean> {
    const project = await this.#project(projectId);
    if (!project || forecast.predicted.high < project.threshold) return false;
    if (!(await takeForecastAlertDay(this.#o.db, projectId, forecast.date, this.#holder, this.#o.now()))) return false;
    return this.#send(project, {
      type: 'forecast.threshold_predicted',
      score: forecast.predicted.score,
      labels: forecast.basis.labels ?? [],
      details: [...forecast.actions],
      text: `CloudSage: ${project.name} may reach risk ${Math.round(forecast.predicted.high)} (threshold ${project.threshold}) within ${forecast.predicted.horizonHours} h. ${forecast.actions[0]}`,
    });
  }

  async #project(projectId: string): Promise<AlertProject | undefined> {
    const row = await this.#o.db
      .selectFrom('projects')
      .select(['id', 'name', 'alert_url', 'alert_threshold'])
      .where('id', '=', projectId)
      .executeTakeFirst();
    if (!row?.alert_url || row.alert_threshold === null) return undefined;
    return { id: row.id, name: row.name, url: row.alert_url, threshold: row.alert_threshold };
  }

  async #send(
    project: AlertProject,
    event: Pick<AlertEvent, 'type' | 'score' | 'labels' | 'details' | 'text'>,
    { throttled = true } = {},
  ): Promise<boolean> {
    const { log, now } = this.#o;
    try {
      // Resolved and checked once here; every attempt below connects to this same address.
      const checked = await checkWebhookTarget(project.url, this.#o.allowPrivate, this.#o.resolve);
      if (!checked.ok) {
        log.warn({ projectId: project.id, reason: checked.reason }, 'alert webhook refused');
        return false;
      }
      // "resolved" answers an alert that went out, so the alert's own slot must not hold it back.
      if (throttled && !(await takeAlertSlot(this.#o.db, project.id, this.#holder, now(), this.#o.intervalMs))) {
        return false;
      }
      const body = JSON.stringify({
        id: `evt_${randomUUID()}`,
        projectId: project.id,
        projectName: project.name,
        threshold: project.threshold,
        at: new Date(now()).toISOString(),
        ...event,
      } satisfies AlertEvent);
      return await this.#deliver(project, checked.target, body);
    } catch (err) {
      log.error({ err, projectId: project.id }, 'alert failed');
      return false;
    }
  }

  async #deliver(project: { id: string }, target: WebhookTarget, body: string): Promise<boolean> {
    const secret = await webhookSecretFor(this.#o.db, this.#o.serverSecret, project.id);
    for (let attempt = 1; attempt <= this.#o.attempts; attempt++) {
      const signature = signPayload(secret, body, Math.floor(this.#o.now() / 1000));
      try {
        const status = await this.#o.post(
          target,
          body,
          { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, 'user-agent': 'CloudSage-Webhook/1' },
          this.#o.timeoutMs,
        );
        if (status >= 200 && status < 300) return true;
        // A redirect is refused like a 4xx: following it would leave the checked address.
        if (status < 500 && status !== 408 && status !== 429) {
          this.#o.log.warn({ projectId: project.id, status }, 'alert webhook rejected the event');
          return false;
        }
      } catch {
        // Network error or timeout: retry below.
      }
      if (attempt < this.#o.attempts) {
        const delay = Math.random() * this.#o.retryBaseMs * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
    this.#o.log.warn({ projectId: project.id }, 'alert webhook failed after retries');
    return false;
  }
}
