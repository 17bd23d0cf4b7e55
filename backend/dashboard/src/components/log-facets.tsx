import type { LogFacets as Facets, Level } from '@cloudsage/schema';
import { facetTerm } from '../lib/log-query.js';
import { button } from '../lib/ui.js';

const LEVEL_ORDER: Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** Props of {@link LogFacetsRail}. */
export interface LogFacetsRailProps {
  facets: Facets | undefined;
  /** Adds a `field:value` term to the query. */
  onAdd: (term: string) => void;
}

function Group({
  title,
  items,
  field,
  onAdd,
}: {
  title: string;
  items: Array<{ value: string; count: number }>;
  field: string;
  onAdd: (term: string) => void;
}) {
  if (items.length === 0) return null;
  return (
    <section aria-label={title} className="min-w-0">
      <h3 className="m-0 mb-1 font-semibold text-muted text-sm">{title}</h3>
      <ul className="m-0 flex list-none flex-wrap gap-1 p-0 md:flex-col">
        {items.map((i) => (
          <li key={i.value} className="min-w-0">
            <button
              type="button"
              className={`${button('ghost', 'small')} flex max-w-full items-center gap-2`}
              onClick={() => onAdd(facetTerm(field, i.value))}
              title={`Add ${facetTerm(field, i.value)} to the search`}
            >
              <span className="min-w-0 truncate">{i.value}</span>
              <span className="text-muted tabular-nums">{i.count}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Counts by level, service and host over the filtered logs (`/logs/facets`); a click narrows the
 * search to that value. A budget-stopped count says so.
 */
export function LogFacetsRail({ facets, onAdd }: LogFacetsRailProps) {
  if (!facets) return <div className="min-h-24" aria-hidden="true" />;
  const levels = LEVEL_ORDER.filter((l) => facets.levels[l]).map((l) => ({ value: l, count: facets.levels[l] ?? 0 }));
  return (
    <nav aria-label="Log facets" className="flex min-w-0 flex-col gap-3" data-testid="log-facets">
      <p className="m-0 text-muted text-sm">
        {facets.records} records{facets.partial ? ' (newest only: the count stopped at its budget)' : ''}
      </p>
      <Group title="Levels" items={levels} field="level" onAdd={onAdd} />
      <Group title="Services" items={facets.services.values} field="service" onAdd={onAdd} />
      <Group title="Hosts" items={facets.hosts.values} field="host" onAdd={onAdd} />
    </nav>
  );
}
