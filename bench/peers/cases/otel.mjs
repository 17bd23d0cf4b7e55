// OpenTelemetry runs: one LoggerProvider, one processor, one exporter, as each README sets them up.
import { CloudSageLogRecordExporter } from '@cloudsage/otel';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { record } from '../workload.mjs';
import { cloudsageOptions } from './cloudsage-options.mjs';

// A burst in one loop overruns the Batch processor's default queue (2048) at once: the 1M rows show each
// exporter's own speed, the defaults row what an unchanged set-up delivers.
const BIG_QUEUE = { maxQueueSize: 1_000_000 };

function run(processor) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'bench' }),
    processors: [processor],
  });
  const logger = provider.getLogger('bench');
  return {
    log: (i) => {
      const r = record(i);
      logger.emit({
        severityNumber: r.error ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: r.error ? 'ERROR' : 'INFO',
        body: r.msg,
        attributes: {
          reqId: r.attrs.reqId,
          'http.request.method': r.attrs.req.method,
          'url.path': r.attrs.req.url,
          'http.response.status_code': r.attrs.res.statusCode,
          responseTime: r.attrs.responseTime,
        },
      });
    },
    close: () => provider.shutdown(),
  };
}

const cloudsage = (sinkUrl) => new CloudSageLogRecordExporter(cloudsageOptions(sinkUrl));
const otlp = (sinkUrl) => new OTLPLogExporter({ url: `${sinkUrl}/v1/logs` });

/** @type {Record<string, (ctx: { sinkUrl: string }) => object>} */
export const setups = {
  'otel-otlp-batch': ({ sinkUrl }) => run(new BatchLogRecordProcessor({ exporter: otlp(sinkUrl), ...BIG_QUEUE })),
  'otel-otlp-batch-default': ({ sinkUrl }) => run(new BatchLogRecordProcessor({ exporter: otlp(sinkUrl) })),
  'otel-cloudsage-batch': ({ sinkUrl }) =>
    run(new BatchLogRecordProcessor({ exporter: cloudsage(sinkUrl), ...BIG_QUEUE })),
  'otel-cloudsage-simple': ({ sinkUrl }) => run(new SimpleLogRecordProcessor({ exporter: cloudsage(sinkUrl) })),
};
