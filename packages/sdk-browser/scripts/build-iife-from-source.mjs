// The script tag built as rollup.config.mjs builds it (same transforms and terser
// options), except that @echotrail/core comes from its sources instead of its dist/:
// the source map then names each core file, for bench/sdk-browser's byte map, and a
// change in core is measured without rebuilding core first. Not the shipped build.
// Usage: node scripts/build-iife-from-source.mjs [out.js]   (writes out.js and out.js.map;
//        default /tmp/echotrail-from-source.min.js), prints minified and min+gzip bytes.
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { rollup } from 'rollup'
import ts from 'typescript'
import { codedErrors, terserOptions } from '../iife-build.mjs'

const packages = fileURLToPath(new URL('../../', import.meta.url))

// Strips types file by file (no type check: `pnpm typecheck` does that), resolving the
// sources' `./x.js` and `./x` imports to their `.ts` files.
const fromSource = {
  name: 'from-source',
  resolveId(id, importer) {
    if (id === '@echotrail/core') return `${packages}core/src/index.ts`
    if (importer?.endsWith('.ts') && id.startsWith('.')) {
      const base = fileURLToPath(new URL(id, `file://${importer}`)).replace(/\.js$/, '')
      return this.resolve(`${base}.ts`, importer).then((found) => found ?? this.resolve(`${base}/index.ts`, importer))
    }
    return null
  },
  transform(code, id) {
    if (!id.endsWith('.ts')) return null
    const { outputText, sourceMapText } = ts.transpileModule(code, {
      fileName: id,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true, verbatimModuleSyntax: true },
    })
    return { code: outputText.replace(/\/\/# sourceMappingURL=.*$/, ''), map: sourceMapText }
  },
}

const out = process.argv[2] ?? '/tmp/echotrail-from-source.min.js'
const bundle = await rollup({ input: `${packages}sdk-browser/src/iife.ts`, plugins: [fromSource, codedErrors, nodeResolve({ browser: true })], onwarn: () => {} })
const { output } = await bundle.generate({ format: 'iife', sourcemap: true, plugins: [terser(terserOptions)] })
await bundle.close()
const [chunk] = output
writeFileSync(out, `${chunk.code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`)
writeFileSync(`${out}.map`, JSON.stringify(chunk.map))
console.log(`${out}: ${chunk.code.length} bytes minified, ${gzipSync(chunk.code, { level: 9 }).length} bytes min+gzip`)
