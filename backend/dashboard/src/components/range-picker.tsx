import { RANGE_LABEL, RANGES, type RangeId } from '../lib/time-range.js';
import { button } from '../lib/ui.js';

/** The time range buttons (one pressed); the choice goes to the URL through `onChange`. */
export function RangePicker({ value, onChange }: { value: RangeId; onChange: (range: RangeId) => void }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form's fieldset.
    <div role="group" aria-label="Time range" className="flex flex-wrap gap-1" data-testid="range-picker">
      {RANGES.map((r) => (
        <button
          key={r}
          type="button"
          className={button('default', 'small')}
          aria-pressed={r === value}
          onClick={() => onChange(r)}
        >
          {RANGE_LABEL[r]}
        </button>
      ))}
    </div>
  );
}
