import { type KeyboardEvent, useRef } from 'react';

/** Props of {@link Tabs}. */
export interface TabsProps<T extends string> {
  label: string;
  tabs: ReadonlyArray<{ id: T; label: string }>;
  selected: T;
  onSelect: (id: T) => void;
  /** Prefix of the tab and panel ids (`<idPrefix>-tab-<id>`, `<idPrefix>-panel-<id>`). */
  idPrefix: string;
}

/** An ARIA tab list: arrow keys, Home and End move between tabs (WAI-ARIA APG "Tabs"). */
export function Tabs<T extends string>(props: TabsProps<T>) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const index = props.tabs.findIndex((t) => t.id === props.selected);
  const onKeyDown = (e: KeyboardEvent) => {
    const n = props.tabs.length;
    let next: number | undefined;
    if (e.key === 'ArrowRight') next = (index + 1) % n;
    else if (e.key === 'ArrowLeft') next = (index - 1 + n) % n;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    if (next === undefined) return;
    e.preventDefault();
    const tab = props.tabs[next];
    if (!tab) return;
    props.onSelect(tab.id);
    refs.current[next]?.focus();
  };
  return (
    <div
      role="tablist"
      aria-label={props.label}
      className="mb-4 flex gap-1 overflow-x-auto border-b border-border"
      onKeyDown={onKeyDown}
    >
      {props.tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${props.idPrefix}-tab-${t.id}`}
          aria-selected={t.id === props.selected}
          aria-controls={`${props.idPrefix}-panel-${t.id}`}
          tabIndex={t.id === props.selected ? 0 : -1}
          className="min-h-10 cursor-pointer whitespace-nowrap border-0 border-b-3 border-transparent bg-transparent px-[0.9rem] py-2 text-muted aria-selected:border-accent aria-selected:font-semibold aria-selected:text-text"
          onClick={() => props.onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
