/**
 * Version sent in client reports. The build (rollup.config.mjs) stamps package.json's
 * version over this placeholder; builds made straight from source (tests) keep it.
 */
export const SDK_VERSION: string = '0.0.0-dev'
