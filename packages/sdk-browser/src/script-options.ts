import type { BrowserOptions } from './options.js'

/** Reads `init()` options from the `data-` attributes of `script`; undefined without `data-key`. */
export function optionsFromScript(script: HTMLOrSVGScriptElement | null): BrowserOptions | undefined {
  const data = (script as HTMLScriptElement | null)?.dataset
  if (!data?.key) return undefined
  const options: Record<string, unknown> = { publishableKey: data.key }
  ;['endpoint', 'service', 'environment', 'propagateTo', 'ignoreUrls'].forEach((name, at) => {
    const value = data[name]
    // The last two are lists, separated by spaces or commas.
    if (value) options[name] = at > 2 ? value.split(/[\s,]+/).filter(Boolean) : value
  })
  if (data.captureBodies !== undefined) options.captureBodies = data.captureBodies !== 'false'
  return options as unknown as BrowserOptions
}
