import { type FormEvent, useId, useState } from 'react';
import {
  type CustomRange,
  customRangeError,
  customRangeLabel,
  fromLocalInput,
  type PageRange,
  RANGE_LABEL,
  RANGES,
  type RangeId,
  toLocalInput,
} from '../lib/time-range.js';
import { button, control, field, fieldError, row } from '../lib/ui.js';

/** Props of {@link RangePicker}. */
export interface RangePickerProps {
  value: PageRange;
  onChange: (range: RangeId) => void;
  /** A custom range typed in and applied (a drag on the chart sets one too). */
  onCustom: (range: CustomRange) => void;
}

/**
 * The time range buttons (one pressed) and "Custom", which opens a start and an end to type in;
 * the choice goes to the URL through `onChange` or `onCustom`.
 */
export function RangePicker({ value, onChange, onCustom }: RangePickerProps) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState('');
  const id = useId();
  const custom = value.id === 'custom' ? value : undefined;
  const now = Date.now();
  const initial = custom ?? { from: now - 3_600_000, to: now };

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const from = fromLocalInput(String(data.get('from') ?? ''));
    const to = fromLocalInput(String(data.get('to') ?? ''));
    const problem = customRangeError(from, to, Date.now());
    setError(problem ?? '');
    if (problem) return;
    setEditing(false);
    onCustom({ from, to });
  };

  return (
    <div className="flex flex-col gap-2">
      {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form's fieldset. */}
      <div
        role="group"
        aria-label="Time range"
        className="flex flex-wrap items-center gap-1"
        data-testid="range-picker"
      >
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            className={button('default', 'small')}
            aria-pressed={r === value.id}
            onClick={() => {
              setEditing(false);
              onChange(r);
            }}
          >
            {RANGE_LABEL[r]}
          </button>
        ))}
        <button
          type="button"
          className={button('default', 'small')}
          aria-pressed={custom !== undefined}
          aria-expanded={editing}
          aria-controls={`${id}-custom`}
          onClick={() => {
            setError('');
            setEditing((open) => !open);
          }}
        >
          Custom
        </button>
        {custom && (
          <span className="text-muted text-sm" data-testid="custom-range">
            {customRangeLabel(custom)}
          </span>
        )}
      </div>
      {editing && (
        <form
          id={`${id}-custom`}
          className={`${row} flex-wrap items-end`}
          aria-label="Custom time range"
          onSubmit={apply}
          noValidate
        >
          <label className={field}>
            <span>From</span>
            <input
              className={control}
              type="datetime-local"
              name="from"
              defaultValue={toLocalInput(initial.from)}
              aria-describedby={`${id}-error`}
              required
            />
          </label>
          <label className={field}>
            <span>To</span>
            <input
              className={control}
              type="datetime-local"
              name="to"
              defaultValue={toLocalInput(initial.to)}
              aria-describedby={`${id}-error`}
              required
            />
          </label>
          <button type="submit" className={button('primary', 'small')}>
            Apply
          </button>
          <p id={`${id}-error`} className={`${fieldError} basis-full`} role="alert">
            {error}
          </p>
        </form>
      )}
    </div>
  );
}
