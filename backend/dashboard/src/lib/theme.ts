/** The two themes; "system" follows the OS setting. */
export type ThemeChoice = 'light' | 'dark' | 'system';

const KEY = 'cloudsage.theme';

/** The stored choice (system when none, or when storage is unavailable). */
export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The theme in force for a choice. */
export function resolveTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies and remembers a choice; the chart listens for `cloudsage:theme` to redraw its colours. */
export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolveTheme(choice);
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  window.dispatchEvent(new Event('cloudsage:theme'));
}
