import type { Socket } from 'node:net'
import { connect, createServer } from 'node:net'

/**
 * A TCP proxy on a fixed port in front of a collector whose port changes on every
 * restart (the harness starts it with `--port 0`). While no target is set, connections
 * are reset, as they would be by a stopped collector.
 */
export async function startTcpProxy() {
  let target: URL | undefined
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    if (target === undefined) return void client.destroy()
    const upstream = connect(Number(target.port), target.hostname)
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    client.pipe(upstream).pipe(client)
    upstream.on('close', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    /** Points new connections at `url`, or refuses them (undefined); cuts open ones. */
    setTarget(url: string | undefined) {
      target = url === undefined ? undefined : new URL(url)
      for (const socket of sockets) socket.destroy()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
