/**
 * The prototype-poisoning rule Fastify applies to JSON bodies (secure-json-parse with `protoAction`
 * and `constructorAction` set to `error`), for bodies the worker parses itself: a `__proto__` key, or a
 * `constructor` key holding an object with a `prototype` key, anywhere in the value refuses it. The
 * stored form must refuse what the JSON form refuses, or it would be a way around the check.
 */

/**
 * Whether JSON text may hold a forbidden key; false means it cannot, so the parsed value need not be
 * walked (the walk is for the rare line that names one). Both `__proto__` and `prototype` contain
 * "proto", and JSON can spell a letter otherwise only as a `\u` escape (`"\u005f_proto__"`), so text
 * with neither holds no forbidden key. Two plain searches cost about a third of one regular
 * expression over the line, and every record line pays it.
 *
 * @example
 * mayHoldForbiddenKey('{"msg":"ok"}'); // false
 */
export function mayHoldForbiddenKey(text: string): boolean {
  return text.includes('proto') || text.includes('\\u');
}

/**
 * Whether a parsed JSON value holds a forbidden key at any depth. Iterative, so a deeply nested value
 * cannot overflow the stack.
 *
 * @example
 * hasForbiddenKey(JSON.parse('{"a":{"__proto__":{"x":1}}}')); // true
 */
export function hasForbiddenKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    if (Object.hasOwn(node, '__proto__')) return true;
    const ctor = Object.hasOwn(node, 'constructor') ? node.constructor : undefined;
    if (typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype')) return true;
    for (const key in node) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return false;
}
