// @echotrail/browser — the public surface. What is not listed here is private.

export { action, clearUser, flush, init, setUser, shutdown, stats } from './sdk.js'
export type { BrowserStats, BrowserUser } from './client.js'
export { BROWSER_DEFAULTS } from './options.js'
export type { BrowserOptions } from './options.js'
