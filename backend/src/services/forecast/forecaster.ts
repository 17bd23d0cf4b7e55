/**
 * The Forecaster role (docs/architecture.md, "Forecasts"): facts in, forecast out. The built-in
 * statistical forecaster and the LLM one implement it; the store only sees this interface.
 */

import type { Forecast } from '@cloudsage/schema';
import type { ForecastFacts } from './facts.js';

/** Makes today's forecast from a project's facts. Implementations answer a schema-valid Forecast. */
export interface Forecaster {
  forecast(facts: ForecastFacts): Promise<Forecast>;
}
