// The OpenTelemetry logs SDK with a BatchLogRecordProcessor and a CloudSageLogRecordExporter with its
// defaults, as the exporter's README describes them (the cheaper processor, which needs
// `provider.shutdown()` at exit). On SIGTERM the app stops logging and shuts the
// provider down (which flushes the processor's queue into the exporter, and the exporter's client).
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
// By path to the built package: the backend does not depend on @cloudsage/otel.
import { CloudSageLogRecordExporter } from '../../../../../packages/otel/dist/index.js';
import { endpointAndKey, idPrefix, runLoggingLoop } from './logging-loop.mjs';

const exporter = new CloudSageLogRecordExporter(endpointAndKey());
const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
const logger = provider.getLogger('backend-outage');

runLoggingLoop({
  prefix: idPrefix(),
  log: (id, seq) =>
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: id,
      attributes: { integration: 'otel', seq },
    }),
  stop: () => void provider.shutdown(),
});
