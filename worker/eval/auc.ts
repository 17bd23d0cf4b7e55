/** ROC AUC as the Mann-Whitney statistic: the chance a random positive outscores a random negative (ties 1/2). */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [...positives.map((s) => ({ s, p: 1 })), ...negatives.map((s) => ({ s, p: 0 }))].sort(
    (a, b) => a.s - b.s,
  );
  // Average ranks over ties.
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.p === 1) rankSumPos += avg;
    i = j;
  }
  const np = positives.length;
  return (rankSumPos - (np * (np + 1)) / 2) / (np * negatives.length);
}
