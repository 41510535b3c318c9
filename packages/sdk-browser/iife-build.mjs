// The script-tag build's own transforms, shared by rollup.config.mjs and the browser
// tests (test/browser/support.ts), so the tests run what the tag ships.

import replace from '@rollup/plugin-replace'

// Short coded messages (src/coded-errors.ts, and core's mask option errors): the flag
// becomes `true`, and terser drops the long texts. The plugin keeps the source map's
// columns true on the lines it changes.
export const codedErrors = replace({ preventAssignment: true, values: { __ECHOTRAIL_CODED_ERRORS__: 'true' } })

// hoist_funs measured 33 bytes smaller gzipped; more passes, `module` or unsafe_* gained
// under 30 bytes each (bench/sdk-browser prints the size).
export const terserOptions = {
  ecma: 2020,
  toplevel: true,
  compress: { passes: 3, pure_getters: true, hoist_funs: true },
  // ASCII only: a tag served without `charset=utf-8` on a page that is not UTF-8 is read
  // in the page's encoding, and the masker's `…` would become other characters.
  format: { comments: false, ascii_only: true },
}
