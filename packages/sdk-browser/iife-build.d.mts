import type { Options } from '@rollup/plugin-terser'
import type { Plugin } from 'rollup'

/** Replaces `__ECHOTRAIL_CODED_ERRORS__` with `true`: the script tag's short messages. */
export declare const codedErrors: Plugin
/** Terser options of the script-tag build. */
export declare const terserOptions: Options
