/** Splits a buffer into chunks of `size` bytes (the last may be shorter), as a socket would deliver it. */
export function chunksOf(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < buf.length; o += size) out.push(buf.subarray(o, o + size));
  return out;
}
