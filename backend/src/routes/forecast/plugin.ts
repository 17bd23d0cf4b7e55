import type { FastifyInstance } from 'fastify';
import { countSkippedInput } from '../../instrumentation/metrics.js';
import { Alerter } from '../../services/alerts/alerter.js';
import { onScoreStored } from '../../services/dispatch/store-score.js';
import { builtinForecaster } from '../../services/forecast/builtin-forecaster.js';
import { ForecastRefresher } from '../../services/forecast/forecast-refresher.js';
import type { Forecaster } from '../../services/forecast/forecaster.js';
import { gatherFacts } from '../../services/forecast/gather-facts.js';
import { LlmForecaster } from '../../services/forecast/llm-forecaster.js';
import type { SkippedInput } from '../../services/logs/batch-reader.js';
import { ForecastStore } from '../../store/forecast-store.js';
import { forecastRoutes } from './index.js';

/** Options of the forecast plugin. */
export interface ForecastPluginOptions {
  /** The server secret alert webhooks are signed with (per-project secrets derive from it); no alerts without it. */
  jwtSecret?: string;
}

/**
 * GET /api/forecast/:projectId and its feedback route. Builds the forecast store over the app's
 * SQL store and bucket, with the LLM forecaster when CLOUDSAGE_LLM_URL is set (falling back to
 * the built-in one), publishes every new forecast as an SSE `forecast` event, and sends the
 * project's alert webhook when a forecast predicts its threshold. Each newly stored score is
 * checked against today's forecast, which is made again on the server when the score leaves its
 * band or the labels change (`ForecastRefresher`), so pages never ask for one per score.
 */
export default async function forecastPlugin(app: FastifyInstance, options: ForecastPluginOptions = {}): Promise<void> {
  const log = app.log.child({ module: 'forecast' });
  const countSkipped = countSkippedInput(app.metrics, 'forecast');
  const llm = app.config.llm;
  const forecaster: Forecaster = llm
    ? new LlmForecaster({ url: llm.url, model: llm.model, apiKey: llm.apiKey, log })
    : builtinForecaster;
  // Shares the SQL throttle with the score alerts, so one project still gets at most one alert per 15 minutes.
  const alerter = options.jwtSecret
    ? new Alerter({
        db: app.sql.db,
        serverSecret: options.jwtSecret,
        allowPrivate: app.config.allowPrivateWebhooks,
        log,
        now: app.now,
      })
    : undefined;
  const store = new ForecastStore({
    db: app.sql.db,
    bucket: app.bucket,
    log,
    now: app.now,
    generate: async (projectId, now) => {
      const onSkipped = (skipped: SkippedInput) => {
        countSkipped(skipped);
        log.warn({ projectId, ...skipped }, 'forecast left out raw lines or objects it cannot read');
      };
      return forecaster.forecast(await gatherFacts({ db: app.sql.db, bucket: app.bucket, onSkipped }, projectId, now));
    },
    // A forecast made before the project had any risk point says nothing; the first points replace it.
    isStale: async (projectId, forecast) =>
      forecast.basis.historyPoints === 0 &&
      (await app.sql.db
        .selectFrom('risk_history')
        .select('id')
        .where('project_id', '=', projectId)
        .limit(1)
        .executeTakeFirst()) !== undefined,
    onForecast: async (projectId, forecast) => {
      await app.events.publish(projectId, { type: 'forecast', data: forecast });
      // Not awaited: a slow webhook (retried with backoff) must not hold the GET.
      alerter?.onForecast(projectId, forecast).catch((err) => log.error({ err, projectId }, 'forecast alert failed'));
    },
  });
  const refresher = new ForecastRefresher({ db: app.sql.db, store, log, now: app.now });
  const off = onScoreStored((projectId, point) => refresher.onScore(projectId, point));
  app.addHook('onClose', async () => {
    off();
    await refresher.close();
  });
  await app.register(forecastRoutes, { store });
}
