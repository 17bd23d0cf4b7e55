/** A page's column: centred, with less padding on a phone. */
export const PAGE = 'mx-auto max-w-[1120px] p-3 md:p-4';

/** The narrow column of the sign-in and not-found pages. */
export const PAGE_NARROW = 'mx-auto max-w-[440px] p-3 md:p-4';
