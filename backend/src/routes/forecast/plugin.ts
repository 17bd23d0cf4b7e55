import type { FastifyInstance } from 'fastify';
import { builtinForecaster } from '../../services/forecast/builtin-forecaster.js';
import type { Forecaster } from '../../services/forecast/forecaster.js';
import { gatherFacts } from '../../services/forecast/gather-facts.js';
import { LlmForecaster } from '../../services/forecast/llm-forecaster.js';
import { ForecastStore } from '../../services/forecast-store.js';
import { forecastRoutes } from './index.js';

/**
 * GET /api/forecast/:projectId and its feedback route. Builds the forecast store over the app's
 * SQL store and bucket, with the LLM forecaster when CLOUDSAGE_LLM_URL is set (falling back to
 * the built-in one), and publishes every new forecast as an SSE `forecast` event.
 */
export default async function forecastPlugin(app: FastifyInstance): Promise<void> {
  const log = app.log.child({ module: 'forecast' });
  const llm = app.config.llm;
  const forecaster: Forecaster = llm
    ? new LlmForecaster({ url: llm.url, model: llm.model, apiKey: llm.apiKey, log })
    : builtinForecaster;
  const store = new ForecastStore({
    db: app.sql.db,
    bucket: app.bucket,
    log,
    now: app.now,
    generate: async (projectId, now) =>
      forecaster.forecast(await gatherFacts({ db: app.sql.db, bucket: app.bucket }, projectId, now)),
    onForecast: (projectId, forecast) => app.events.publish(projectId, { type: 'forecast', data: forecast }),
  });
  await app.register(forecastRoutes, { store });
}
