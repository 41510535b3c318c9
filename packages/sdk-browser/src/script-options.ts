import type { BrowserOptions } from './options.js'

/** Reads `init()` options from the `data-` attributes of `script`; undefined without `data-key`. */
export function optionsFromScript(script: HTMLOrSVGScriptElement | null): BrowserOptions | undefined {
  const data = script instanceof HTMLScriptElement ? script.dataset : undefined
  if (!data?.key) return undefined
  const list = (value: string | undefined): string[] | undefined => value?.split(/[\s,]+/).filter(Boolean)
  const options: BrowserOptions = { publishableKey: data.key }
  if (data.endpoint) options.endpoint = data.endpoint
  if (data.service) options.service = data.service
  if (data.environment) options.environment = data.environment
  const propagateTo = list(data.propagateTo)
  if (propagateTo) options.propagateTo = propagateTo
  const ignoreUrls = list(data.ignoreUrls)
  if (ignoreUrls) options.ignoreUrls = ignoreUrls
  if (data.captureBodies !== undefined) options.captureBodies = data.captureBodies !== 'false'
  return options
}
