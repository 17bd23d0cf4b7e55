// OpenTelemetry NodeSDK with CloudSage as its log exporter: the one line is the logRecordProcessors entry.
//   CLOUDSAGE_API_KEY=csk_... node index.mjs     emits a small job run's logs (with a trace), then shuts down
import { CloudSageLogRecordExporter } from '@cloudsage/otel';
import { trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';

const exporter = new CloudSageLogRecordExporter({
  endpoint: process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001',
  apiKey: process.env.CLOUDSAGE_API_KEY,
});
// No metrics exporter in this example (NodeSDK would otherwise try OTLP on localhost:4318).
process.env.OTEL_METRICS_EXPORTER ??= 'none';
const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'otel-example', 'host.name': 'batch-1' }),
  logRecordProcessors: [new BatchLogRecordProcessor({ exporter })],
  // Spans only give the logs their trace ids here; a real app would export them too.
  spanProcessors: [new tracing.NoopSpanProcessor()],
  instrumentations: [],
});
sdk.start();

const logger = logs.getLogger('otel-example');
const tracer = trace.getTracer('otel-example');
const runs = Number(process.env.EXAMPLE_RUNS ?? 5);
for (let i = 0; i < runs; i++) {
  tracer.startActiveSpan('nightly-export', (span) => {
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: 'export job started',
      attributes: { run: i },
    });
    if (i === runs - 1) {
      logger.emit({
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        body: 'export job failed: s3 upload timed out',
        attributes: { run: i, duration: 30_000 },
      });
    } else {
      logger.emit({
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body: 'export job finished',
        attributes: { run: i, duration: 1200 + i },
      });
    }
    span.end();
  });
}
// shutdown() drains the batch processor into the exporter, whose shutdown flushes to CloudSage.
await sdk.shutdown();
