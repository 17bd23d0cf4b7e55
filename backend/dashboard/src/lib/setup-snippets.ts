/** The integrations the keys panel shows set-up code for. */
export type Integration = 'pino' | 'winston' | 'otel' | 'curl';

export const INTEGRATIONS: ReadonlyArray<{ id: Integration; label: string }> = [
  { id: 'pino', label: 'pino' },
  { id: 'winston', label: 'winston' },
  { id: 'otel', label: 'OpenTelemetry' },
  { id: 'curl', label: 'curl' },
];

/** What a snippet needs: where to send, which project, and the key (or a placeholder). */
export interface SnippetInput {
  endpoint: string;
  projectId: string;
  /** The key just created, else undefined (the snippet reads it from the environment). */
  key?: string | undefined;
}

/** The install command and code for one integration, carrying the endpoint and project id. */
export function snippet(kind: Integration, input: SnippetInput): { install: string; code: string } {
  const { endpoint, projectId } = input;
  const env = `CLOUDSAGE_KEY=${input.key ?? 'csk_...'}`;
  // The three options every integration takes, indented to sit at `pad`.
  const opts = (pad: string) =>
    [`endpoint: '${endpoint}',`, `projectId: '${projectId}',`, 'apiKey: process.env.CLOUDSAGE_KEY,']
      .map((l) => pad + l)
      .join('\n');
  switch (kind) {
    case 'pino':
      return {
        install: `npm i pino @cloudsage/pino\nexport ${env}`,
        code: `import pino from 'pino';

const logger = pino({
  transport: {
    target: '@cloudsage/pino',
    options: {
${opts('      ')}
    },
  },
});

logger.info('hello from CloudSage');`,
      };
    case 'winston':
      return {
        install: `npm i winston @cloudsage/winston\nexport ${env}`,
        code: `import winston from 'winston';
import { CloudSageTransport } from '@cloudsage/winston';

const logger = winston.createLogger({
  transports: [
    new winston.transports.Console(),
    new CloudSageTransport({
${opts('      ')}
    }),
  ],
});

logger.info('hello from CloudSage');`,
      };
    case 'otel':
      return {
        install: `npm i @opentelemetry/api-logs @opentelemetry/sdk-logs @cloudsage/otel\nexport ${env}`,
        code: `import { logs } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { CloudSageLogRecordExporter } from '@cloudsage/otel';

const exporter = new CloudSageLogRecordExporter({
${opts('  ')}
});
const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
logs.setGlobalLoggerProvider(provider);

// Or any OTLP/HTTP exporter: ${endpoint}/v1/logs with header x-cloudsage-key.`,
      };
    case 'curl':
      return {
        install: `export ${env}`,
        code: `curl -X POST '${endpoint}/api/ingest?projectId=${projectId}' \\
  -H "Authorization: Bearer $CLOUDSAGE_KEY" \\
  -H 'Content-Type: application/x-ndjson' \\
  --data-binary '{"level":"error","msg":"payment failed","time":"${new Date(0).toISOString()}"}'`,
      };
  }
}
