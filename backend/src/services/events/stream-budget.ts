/**
 * Who holds an event stream, for the caps: the API key or the user, and the client address.
 */
export interface StreamHolder {
  keyId?: string | undefined;
  userId?: string | undefined;
  address: string;
}

/** The caps (0 = none). Counts are per process: with several replicas the server cap is per replica. */
export interface StreamCaps {
  perKey: number;
  perUser: number;
  perAddress: number;
  perServer: number;
}

/** The cap a refused stream hit. */
export type StreamCap = 'key' | 'user' | 'address' | 'server';

/** A slot taken (release it once, when the stream ends) or the cap that refused one. */
export type StreamAdmission = { ok: true; release: () => void } | { ok: false; cap: StreamCap };

/**
 * Counts open event streams per key, user, client address and in total, and admits a new one only
 * under every cap. One key opened 19,980 streams and filled the descriptor limit, after which
 * `/healthz` and logins got empty replies (issue #22): each stream holds a socket for as long as
 * the client likes, so the caps bound descriptors per caller whatever the auth.
 *
 * @example
 * const slot = budget.admit({ keyId, address: request.ip });
 * if (!slot.ok) throw new AppError('too_many_streams', `${slot.cap} cap reached`);
 * stream.on('close', slot.release);
 */
export class StreamBudget {
  readonly #caps: StreamCaps;
  readonly #counts = new Map<string, number>();
  #total = 0;

  constructor(caps: StreamCaps) {
    this.#caps = caps;
  }

  /** Streams open now in this process. */
  get open(): number {
    return this.#total;
  }

  admit(holder: StreamHolder): StreamAdmission {
    const keys: [StreamCap, string, number][] = [];
    if (holder.keyId !== undefined) keys.push(['key', `k:${holder.keyId}`, this.#caps.perKey]);
    if (holder.userId !== undefined) keys.push(['user', `u:${holder.userId}`, this.#caps.perUser]);
    keys.push(['address', `a:${holder.address}`, this.#caps.perAddress]);
    if (this.#caps.perServer > 0 && this.#total >= this.#caps.perServer) return { ok: false, cap: 'server' };
    for (const [cap, key, limit] of keys) {
      if (limit > 0 && (this.#counts.get(key) ?? 0) >= limit) return { ok: false, cap };
    }
    for (const [, key] of keys) this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#total += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        for (const [, key] of keys) {
          const left = (this.#counts.get(key) ?? 1) - 1;
          if (left > 0) this.#counts.set(key, left);
          else this.#counts.delete(key);
        }
      },
    };
  }
}
