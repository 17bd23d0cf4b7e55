/**
 * A seeded generator of numbers in [0, 1) (Numerical Recipes' 32-bit LCG, taken from the high bits, so
 * `Math.floor(next() * n)` is even for small n): seeded inputs replay exactly when a test fails.
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
