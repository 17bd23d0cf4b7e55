import type { Level, LogRecord } from '@cloudsage/schema';
import { button } from '../lib/ui.js';
import { CopyButton } from './copy-button.js';

const LEVEL_CLASS: Record<Level, string> = {
  trace: 'bg-none-bg text-muted',
  debug: 'bg-none-bg text-muted',
  info: 'bg-none-bg text-accent',
  warn: 'bg-elevated-bg text-elevated',
  error: 'bg-high-bg text-high',
  fatal: 'bg-high-bg text-high',
};

/** A level as a coloured badge. */
export function LevelBadge({ level }: { level: Level }) {
  return (
    <span
      className={`inline-block min-w-[3.2rem] rounded-sm px-[0.3rem] text-center font-bold text-xs uppercase ${LEVEL_CLASS[level]}`}
    >
      {level}
    </span>
  );
}

/** A record's time, to the second, in the reader's locale. */
export function logTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/**
 * The columns of a row on a wide screen; on a phone the same row stacks into a card (time, level
 * and service on one line, the message below), so nothing scrolls sideways.
 */
export const ROW_GRID = 'md:grid md:grid-cols-[11rem_4rem_9rem_minmax(0,1fr)] md:gap-2';

/** Props of {@link LogRow}. */
export interface LogRowProps {
  record: LogRecord;
  open: boolean;
  onToggle: () => void;
  /** Filters the list to one trace. */
  onTrace: (traceId: string) => void;
}

/** One record: a button that opens the whole record (every field, pretty JSON, copy). */
export function LogRow({ record, open, onToggle, onTrace }: LogRowProps) {
  const json = JSON.stringify(record, null, 2);
  return (
    <li className="border-border border-b" data-testid="log-row">
      <button
        type="button"
        aria-expanded={open}
        onClick={onToggle}
        className={`w-full cursor-pointer rounded-none border-0 bg-transparent px-2 py-[0.4rem] text-left text-sm text-text hover:bg-bg ${ROW_GRID} flex flex-col gap-1`}
      >
        <span className="flex flex-wrap items-center gap-2 md:contents">
          <span className="whitespace-nowrap">{logTime(record.time)}</span>
          <span>
            <LevelBadge level={record.level} />
          </span>
          <span className="min-w-0 truncate text-muted" title={record.service}>
            {record.service ?? ''}
          </span>
        </span>
        <span className="min-w-0 wrap-anywhere" data-testid="log-message">
          {record.msg}
        </span>
      </button>
      {open && (
        <div className="flex flex-col gap-2 px-2 pb-3" data-testid="log-detail">
          <dl className="m-0 grid grid-cols-[minmax(6rem,max-content)_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
            {record.host && <Field name="host" value={record.host} />}
            {record.spanId && <Field name="spanId" value={record.spanId} />}
            {record.traceId && (
              <>
                <dt className="font-semibold text-muted">traceId</dt>
                <dd className="m-0 flex flex-wrap items-center gap-2">
                  <code className="wrap-anywhere">{record.traceId}</code>
                  <button
                    type="button"
                    className={button('default', 'small')}
                    onClick={() => onTrace(record.traceId as string)}
                  >
                    Show this trace
                  </button>
                </dd>
              </>
            )}
            {Object.entries(record.attributes ?? {}).map(([k, v]) => (
              <Field key={k} name={k} value={typeof v === 'string' ? v : JSON.stringify(v)} />
            ))}
          </dl>
          <pre className="m-0 max-h-80 overflow-auto whitespace-pre-wrap wrap-anywhere rounded-md bg-bg p-2 text-xs">
            {json}
          </pre>
          <div>
            <CopyButton text={json} label="Copy record" />
          </div>
        </div>
      )}
    </li>
  );
}

function Field({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt className="wrap-anywhere font-semibold text-muted">{name}</dt>
      <dd className="m-0 wrap-anywhere" data-testid={`log-field-${name}`}>
        {value}
      </dd>
    </>
  );
}
