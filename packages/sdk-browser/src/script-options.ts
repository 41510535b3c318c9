import type { BrowserOptions } from './options.js'

/** Reads `init()` options from the `data-` attributes of `script`; undefined without `data-key`. */
export function optionsFromScript(script: HTMLOrSVGScriptElement | null): BrowserOptions | undefined {
  const data = (script as HTMLScriptElement | null)?.dataset
  if (!data?.key) return undefined
  const options: Record<string, unknown> = { publishableKey: data.key }
  for (const name of ['endpoint', 'service', 'environment'] as const) if (data[name]) options[name] = data[name]
  // Lists are separated by spaces or commas.
  for (const name of ['propagateTo', 'ignoreUrls'] as const) if (data[name]) options[name] = data[name].split(/[\s,]+/).filter(Boolean)
  if (data.captureBodies !== undefined) options.captureBodies = data.captureBodies !== 'false'
  return options as unknown as BrowserOptions
}
