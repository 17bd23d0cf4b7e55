/**
 * A TCP proxy in front of a dependency (toxiproxy's "latency" toxic, written with node:net): every chunk
 * in either direction waits `delayMs` before it is forwarded, in order.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A delaying TCP proxy; `delayMs` can change at any time (0 = pass straight through). */
export class DelayProxy {
  delayMs = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(
    readonly listenPort: number,
    readonly targetPort: number,
  ) {}

  /** Starts listening on 127.0.0.1:`listenPort`. */
  async start(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.#track(client);
      this.#track(upstream);
      this.#pipe(client, upstream);
      this.#pipe(upstream, client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => this.#server!.listen(this.listenPort, '127.0.0.1', () => r()));
  }

  /** Closes the listener and every proxied connection. */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.on('close', () => this.#sockets.delete(s));
  }

  #pipe(from: Socket, to: Socket): void {
    // A chain of promises keeps chunks in order while each waits its delay.
    let chain = Promise.resolve();
    from.on('data', (chunk) => {
      const delay = this.delayMs;
      if (delay === 0) {
        chain = chain.then(() => void (to.destroyed || to.write(chunk)));
        return;
      }
      const due = Date.now() + delay;
      chain = chain.then(
        () =>
          new Promise<void>((r) =>
            setTimeout(
              () => {
                if (!to.destroyed) to.write(chunk);
                r();
              },
              Math.max(0, due - Date.now()),
            ),
          ),
      );
    });
  }
}
