/**
 * Object storage for raw log batches and forecast copies (docs/architecture.md, "Bucket"): a directory by
 * default, S3-compatible storage when `BUCKET_URL` says so. Keys are `/`-separated paths made only
 * by our code (see `assertSafeKey`); a driver never trusts them further than that check.
 */
export interface Bucket {
  /** Stores an object durably: when this resolves, the object survives a process crash. */
  put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  /** Deletes one object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object under a prefix (a project's logs when it is deleted). */
  deletePrefix(prefix: string): Promise<void>;
  /** Rejects when the bucket cannot be reached or written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Letters, digits and a few separators; no empty segments, no dot segments, no leading slash.
const SAFE_KEY = /^(?:[A-Za-z0-9_=-][A-Za-z0-9._=-]*\/)*[A-Za-z0-9_=-][A-Za-z0-9._=-]*\/?$/;

/** Throws unless the key is a plain relative path without `..`, empty segments or odd characters. */
export function assertSafeKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 512 ||
    !SAFE_KEY.test(key) ||
    key.split('/').some((s) => s === '..' || s === '.')
  ) {
    throw new Error(`unsafe bucket key: ${JSON.stringify(key.slice(0, 80))}`);
  }
}
