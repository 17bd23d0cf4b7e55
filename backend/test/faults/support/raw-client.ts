import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A raw TCP connection to the backend, for clients that misbehave below HTTP. */
export async function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on('error', () => {
    // A reset from the server is what some cases expect.
  });
  await once(socket, 'connect');
  return socket;
}

/** Writes and waits until the bytes are handed to the kernel. */
export function write(socket: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
}

/** Resolves when the server has closed the socket (or it closed otherwise). */
export function closed(socket: Socket): Promise<void> {
  return socket.destroyed ? Promise.resolve() : once(socket, 'close').then(() => undefined);
}
