import type { LogRecord } from '@cloudsage/schema';
import { groupByTemplate } from '../lib/templates.js';
import { LevelBadge, logTime } from './log-row.js';

const CELL = 'border-border border-b px-2 py-[0.4rem] text-left align-top';
const TH = `${CELL} font-semibold text-muted`;

/** The loaded logs grouped by template, most frequent first. */
export function LogTemplates({ logs }: { logs: LogRecord[] }) {
  return (
    <table className="w-full border-collapse text-sm" aria-label="Log templates">
      <thead>
        <tr>
          <th scope="col" className={TH}>
            Count
          </th>
          <th scope="col" className={TH}>
            Level
          </th>
          <th scope="col" className={TH}>
            Template
          </th>
          <th scope="col" className={`${TH} max-md:hidden`}>
            Last seen
          </th>
        </tr>
      </thead>
      <tbody>
        {groupByTemplate(logs).map((g) => (
          <tr key={g.template}>
            <td className={`${CELL} tabular-nums`}>{g.count}</td>
            <td className={CELL}>
              <LevelBadge level={g.level} />
            </td>
            {/* Long tokens (ids, URLs) break anywhere rather than widen the table. */}
            <td className={`${CELL} wrap-anywhere`}>
              <code>{g.template}</code>
            </td>
            <td className={`${CELL} whitespace-nowrap max-md:hidden`}>{logTime(g.lastSeen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
