import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { HarnessError } from './errors.js'

/** Debian's Chromium; `npx playwright install` cannot download browsers here. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium'

/** Flags that keep Chromium quiet and off the network except for loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const

/** Path of the Chromium binary the suites drive. */
export function chromiumPath(): string {
  return process.env.ECHOTRAIL_CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH
}

/** A browser with a fresh, temporary profile (playwright makes and removes it). */
export interface TestBrowser {
  readonly browser: Browser
  newContext(): Promise<BrowserContext>
  close(): Promise<void>
}

/** Launches real headless Chromium or fails with a HarnessError that says how to install it. */
export async function launchChromium(): Promise<TestBrowser> {
  const executablePath = chromiumPath()
  if (!existsSync(executablePath)) {
    throw new HarnessError(
      'ET_HARNESS_NO_BROWSER',
      `Chromium is not installed at ${executablePath}. Install it (Debian: apt-get install -y chromium) ` +
        'or set ECHOTRAIL_CHROMIUM_PATH to a Chromium binary. scripts/test.sh installs it when it can.',
    )
  }
  let browser: Browser
  try {
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] })
  } catch (err) {
    throw new HarnessError('ET_HARNESS_NO_BROWSER', `Chromium at ${executablePath} failed to start.`, { cause: err })
  }
  return {
    browser,
    newContext: () => browser.newContext(),
    close: () => browser.close(),
  }
}
