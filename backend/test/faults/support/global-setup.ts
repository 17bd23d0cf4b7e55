import { FIGURES_FILE, figuresTable, resetFigures } from './figures.js';
import { FAULTS } from './settings.js';

/** Vitest global setup of the fault suite: a fresh figures file, and the table printed at the end. */
export default function setup(): () => void {
  resetFigures({ ...FAULTS });
  return () => {
    console.log(`\nfault cases (written to ${FIGURES_FILE}):\n${figuresTable()}\n`);
  };
}
