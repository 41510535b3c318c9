import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'

// Two outputs: an ESM build (with declarations) for bundlers, which keeps
// @echotrail/core and idb-keyval as dependencies; and one self-contained, minified
// IIFE for a <script> tag that defines window.Echotrail.
const terserOptions = {
  ecma: 2020,
  toplevel: true,
  compress: { passes: 3, pure_getters: true },
  format: { comments: false },
}

export default [
  {
    input: 'src/index.ts',
    external: ['@echotrail/core', 'idb-keyval'],
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: 'index.js' },
    plugins: [
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
      nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
      typescript({ tsconfig: './tsconfig.build.json', declaration: false, outDir: 'dist' }),
    ],
  },
]
