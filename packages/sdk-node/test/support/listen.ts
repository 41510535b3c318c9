import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Listens on a free port of 127.0.0.1 and returns the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Closes the server and its keep-alive connections. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

/** The secrets every adapter suite sends, and must never find stored. */
export const SECRETS = {
  header: 'Bearer sk_live_header_secret_123456',
  query: 'query_secret_value_42',
  bodyPassword: 'hunter2-body-password',
  responseToken: 'response_token_value_99',
} as const

/** True when no secret of `SECRETS` appears anywhere in `value`. */
export function containsNoSecret(value: unknown): boolean {
  const text = JSON.stringify(value)
  return !Object.values(SECRETS).some((secret) => text.includes(secret.replace('Bearer ', '')))
}

/** Lets responses that the client has fully read reach their 'close' event (a tick later on the server). */
export const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
