/** A `field:value` term of the logs search (`q`), quoted when the value holds a space or a quote. */
export function facetTerm(field: string, value: string): string {
  return /[\s"]/.test(value) ? `${field}:"${value.replace(/"/g, '')}"` : `${field}:${value}`;
}

/** The query with `term` added (ANDed), unless it is there already. */
export function addTerm(q: string, term: string): string {
  return q.split(/\s+/).includes(term) ? q : `${q} ${term}`.trim();
}
