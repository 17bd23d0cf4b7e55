/**
 * The Tailwind class lists of the pieces every page repeats (cards, form fields, buttons), in one
 * place so a button looks the same everywhere. Colours come from the theme tokens in styles.css,
 * which flip with the dark theme, so none of these needs a `dark:` variant.
 */

/** A raised panel's frame, without padding (for lists whose rows run to its edges). */
export const surface = 'rounded-lg border border-border bg-surface';

/** A raised panel. */
export const card = `${surface} p-4`;

/** A vertical stack with the standard gap. */
export const stack = 'flex flex-col gap-4';

/** A horizontal row of controls. */
export const row = 'flex items-center gap-2';

/** Takes the room left in a row, and may shrink below its content. */
export const grow = 'min-w-0 flex-[1_1_12rem]';

/** A label wrapping its caption (the first `<span>`) and its control. */
export const field = 'flex flex-col gap-1 text-field [&>span]:font-semibold';

/** Text inputs and selects. */
export const control =
  'min-h-10 max-w-full rounded-md border border-muted bg-surface px-[0.6rem] py-[0.45rem] text-text';

/** A checkbox with its label text beside it. */
export const check = 'inline-flex min-h-10 items-center gap-[0.4rem]';

/** The checkbox itself. */
export const checkbox = 'size-[1.1rem]';

/** A form's error line: keeps one line of room when it may fill, none once known to be empty. */
export const fieldError = 'm-0 min-h-[1.45em] text-danger empty:min-h-0';

/** Button looks. `danger-text` is a quiet button whose label says "this destroys something". */
export type ButtonVariant = 'default' | 'primary' | 'ghost' | 'danger' | 'danger-text';

/** Button sizes: `compact` is the header's (narrow sides, so the header fits 375 px). */
export type ButtonSize = 'normal' | 'small' | 'compact';

const BUTTON_BASE =
  'cursor-pointer whitespace-nowrap rounded-md border disabled:cursor-default disabled:opacity-60 enabled:hover:border-accent ' +
  'aria-pressed:border-accent aria-pressed:shadow-[inset_0_0_0_1px_var(--color-accent)]';

const BUTTON_VARIANT: Record<ButtonVariant, string> = {
  default: 'border-border bg-surface text-text',
  primary: 'border-accent bg-accent font-semibold text-accent-text',
  ghost: 'border-transparent bg-transparent text-text',
  danger: 'border-danger bg-danger font-semibold text-surface',
  'danger-text': 'border-transparent bg-transparent text-danger',
};

const BUTTON_SIZE: Record<ButtonSize, string> = {
  normal: 'min-h-10 px-[0.9rem] py-[0.45rem]',
  small: 'min-h-8 px-[0.6rem] py-[0.2rem] text-ui',
  compact: 'min-h-10 px-2 py-[0.45rem]',
};

/** The classes of a button of the given look and size. */
export function button(variant: ButtonVariant = 'default', size: ButtonSize = 'normal'): string {
  return `${BUTTON_BASE} ${BUTTON_VARIANT[variant]} ${BUTTON_SIZE[size]}`;
}
