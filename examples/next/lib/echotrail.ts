import { createClient } from '@echotrail/node'

/**
 * One client for the whole app, shared by every instrumented route. Without
 * ECHOTRAIL_API_KEY (during `next build`, say) it is a disabled no-op.
 */
export const echotrail = createClient({
  apiKey: process.env.ECHOTRAIL_API_KEY ?? '',
  ...(process.env.ECHOTRAIL_ENDPOINT ? { endpoint: process.env.ECHOTRAIL_ENDPOINT } : {}),
  service: 'example-next',
  environment: process.env.NODE_ENV ?? 'development',
  ...(process.env.ECHOTRAIL_FLUSH_INTERVAL_MS ? { flushIntervalMs: Number(process.env.ECHOTRAIL_FLUSH_INTERVAL_MS) } : {}),
})
