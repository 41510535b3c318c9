import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { readFileSync } from 'node:fs'
import { codedErrors, terserOptions } from './iife-build.mjs'

// The version client reports carry: package.json's, stamped over src/version.ts's placeholder.
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const stampVersion = {
  name: 'stamp-version',
  transform(code, id) {
    if (!id.endsWith('/src/version.ts')) return null
    if (!code.includes("'0.0.0-dev'")) this.error('src/version.ts lost its placeholder')
    return { code: code.replace("'0.0.0-dev'", JSON.stringify(version)), map: null }
  },
}

// Two outputs: an ESM build (with declarations) for bundlers, which keeps
// @echotrail/core and idb-keyval as dependencies; and one self-contained, minified
// IIFE for a <script> tag that defines window.Echotrail.
export default [
  {
    input: 'src/index.ts',
    external: ['@echotrail/core', 'idb-keyval'],
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: 'index.js' },
    plugins: [
      stampVersion,
      typescript({
        tsconfig: './tsconfig.build.json',
        declaration: true,
        declarationDir: 'dist',
        outDir: 'dist',
      }),
    ],
  },
  {
    input: 'src/iife.ts',
    output: { file: 'dist/echotrail.min.js', format: 'iife', sourcemap: true, plugins: [terser(terserOptions)] },
    plugins: [
      stampVersion,
      codedErrors,
      nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
      typescript({ tsconfig: './tsconfig.build.json', declaration: false, outDir: 'dist' }),
    ],
  },
]
