import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { launchChromium, startCollectorProcess, type TestBrowser, type TestCollectorProcess } from '@echotrail/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, createPublishableKey, waitForEvents } from './support'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))
const exampleServer = fileURLToPath(new URL('../../../../examples/script-tag/server.mjs', import.meta.url))

describe('examples/script-tag in Chromium', () => {
  let browser: TestBrowser
  let collector: TestCollectorProcess
  let server: ChildProcess
  let origin: string

  beforeAll(async () => {
    // The example serves the built IIFE, as users get it.
    const build = spawnSync('pnpm', ['build'], { cwd: packageDir, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`)
    const port = await closedPort()
    origin = `http://127.0.0.1:${port}`
    collector = await startCollectorProcess()
    const key = await createPublishableKey(collector, [origin])
    server = spawn(process.execPath, [exampleServer], {
      env: { ...process.env, PORT: String(port), ECHOTRAIL_PUBLISHABLE_KEY: key, ECHOTRAIL_ENDPOINT: collector.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Example page on') && resolve())
      server.once('exit', (code) => reject(new Error(`example server exited with ${code}`)))
    })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    server?.kill()
    await collector?.destroy()
  })

  it('records the clicks of the example page, orphans and actions included', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.setViewportSize({ width: 900, height: 640 })
    await page.goto(`${origin}/`)
    for (const name of ['fetch JSON', 'fetch POST', 'XHR JSON', '404', 'refused connection', 'Echotrail.action()']) {
      await page.getByRole('button', { name }).click()
      await page.waitForFunction((count) => document.querySelectorAll('#log tr').length >= count, 1 + ['fetch JSON', 'fetch POST', 'XHR JSON', '404', 'refused connection', 'Echotrail.action()'].indexOf(name))
    }
    const events = await waitForEvents(collector, (e) => e.length >= 6)
    const summary = events.map((e) => [e.action, e.method, e.path, e.orphan ? 'orphan' : e.status_code]).sort()
    expect(summary).toEqual(
      [
        ['http.request', 'GET', '/api/users/42', 200],
        ['http.request', 'POST', '/api/orders', 201],
        ['http.request', 'GET', '/api/users/7', 200],
        ['http.request', 'GET', '/api/nothing-here', 404],
        ['http.request', 'GET', '/unreachable', 'orphan'],
        ['report.exported', null, null, null],
      ].sort(),
    )
    expect(events.every((e) => e.event.identifier === 'demo-user' && e.service_name === 'script-tag-example')).toBe(true)
    await page.waitForFunction(() => /sent [1-9]/.test(document.getElementById('stats')!.textContent!))
    await page.screenshot({ path: '/tmp/echotrail-script-tag.png' })
  })
})
