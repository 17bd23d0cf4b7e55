import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-parked-windows.js';
import * as m0003 from './0003-empty-batch-rows.js';
import * as m0004 from './0004-batch-text-filter.js';
import * as m0005 from './0005-rate-limits-window-index.js';

/**
 * Migrations are imported statically (not read from a folder at run time) so the bundled server
 * carries them. Add new ones here, in order; never edit one that has shipped.
 */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial': m0001,
      '0002-parked-windows': m0002,
      '0003-empty-batch-rows': m0003,
      '0004-batch-text-filter': m0004,
      '0005-rate-limits-window-index': m0005,
    };
  },
};
