// Replaced by `true` in the script-tag build only (rollup.config.mjs); undeclared elsewhere.
declare const __ECHOTRAIL_CODED_ERRORS__: boolean | undefined

/**
 * True in `dist/echotrail.min.js` only: there, long developer-facing messages give way to
 * short coded ones that still name the option and what it takes (README, "Coded
 * messages"), because every page load pays for each byte of the tag. The ESM build, which
 * bundlers minify as they like, keeps the full text.
 */
export const CODED_ERRORS: boolean = typeof __ECHOTRAIL_CODED_ERRORS__ !== 'undefined' && __ECHOTRAIL_CODED_ERRORS__
