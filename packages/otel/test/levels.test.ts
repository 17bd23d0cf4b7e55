// OTel severities map through the schema's one table: a severityText named like an Object.prototype
// member ("constructor", "__proto__") must not reach the level as that member.
import { InMemorySender } from '@cloudsage/node';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { expectStoredAsInfo, INHERITED_NAMES } from '../../node/test/helpers/inherited-levels.js';
import { CloudSageLogRecordExporter, levelOf, toRecord } from '../src/index.js';

/** Real SDK records with these severity texts and no severity number. */
function withSeverityTexts(texts: string[]): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger('levels');
  for (const severityText of texts) logger.emit({ severityText, body: `text ${severityText}` });
  return memory.getFinishedLogRecords() as ReadableLogRecord[];
}

describe('severity texts named like Object.prototype members', () => {
  it.each(INHERITED_NAMES)('levelOf reads %s, in any case, as info', (name) => {
    for (const text of [name, name.toUpperCase(), `${name}2`]) {
      expect(levelOf(undefined, text)).toBe('info');
      expect(levelOf(0, text)).toBe('info');
    }
  });

  it('toRecord and the exporter ship them as info, and info is what is stored', async () => {
    const records = withSeverityTexts([...INHERITED_NAMES]);
    for (const record of records) expect(toRecord(record).level).toBe('info');
    const sink = new InMemorySender();
    const exporter = new CloudSageLogRecordExporter({ sender: sink, exitHooks: false });
    exporter.export(records, () => {});
    await exporter.forceFlush();
    expect(sink.records).toHaveLength(INHERITED_NAMES.length);
    expect(sink.records.map((r) => r.level)).toEqual(INHERITED_NAMES.map(() => 'info'));
    expectStoredAsInfo(sink.records);
    await exporter.shutdown();
  });

  it('still reads the severity number first, then any name the level table knows', () => {
    expect(levelOf(17, 'constructor')).toBe('error');
    expect(['WARN2', 'critical', 'Error', 'SEVERE', 'loud'].map((t) => levelOf(undefined, t))).toEqual([
      'warn',
      'fatal',
      'error',
      'error',
      'info',
    ]);
  });
});
