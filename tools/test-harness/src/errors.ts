/** Codes for the ways the test environment can be incomplete. */
export type HarnessErrorCode = 'ET_HARNESS_NO_DATABASE' | 'ET_HARNESS_NO_BROWSER'

/**
 * Thrown when a real dependency of the suite (PostgreSQL, Chromium) is missing.
 * The message always says how to provide it; tests fail with it instead of skipping.
 */
export class HarnessError extends Error {
  override name = 'HarnessError'
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
