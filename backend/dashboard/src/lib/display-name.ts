// Bidi embeddings, overrides, isolates and marks. The API strips them from names it saves; names
// saved before that may hold them, and an override makes a name render as something else.
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A user-given name as shown: without bidi control characters. */
export function displayName(name: string): string {
  return name.replace(BIDI_CONTROLS, '');
}
