import { maskCardsCompact } from './compact-mask-cards'
import { compilePatterns, cut, replacePattern, replaceSecret, SECRET_IN_TEXT, type StringMasker } from './mask-string'
import { createParamReplacer, PARAM, USERINFO, USERINFO_MASK } from './mask-url'
import type { SecretKeyTest } from './secret-keys'

/**
 * `createStringMasker` for a browser bundle: the same RegExps, replacers, card rule and
 * cut, in the same order, without the cheap searches that spare the collector a replace
 * which would find nothing (`SECRET_HINT`, the length and `includes` gates). Each gate
 * only skips work that changes nothing, so the output is the same; mask-to-json's
 * differential test proves it through createMaskToJson.
 */
export function createCompactStringMasker(extraPatterns: readonly RegExp[], maxStringChars: number, isSecretKey: SecretKeyTest): StringMasker {
  const patterns = compilePatterns(extraPatterns)
  const replaceParam = createParamReplacer(isSecretKey)
  const maskUrlSecrets = (text: string): string => text.replace(USERINFO, USERINFO_MASK).replace(PARAM, replaceParam)

  return (text) => {
    let out = maskUrlSecrets(text.length > maxStringChars ? cut(text, maxStringChars) : text).replace(SECRET_IN_TEXT, replaceSecret)
    const carded = maskCardsCompact(out)
    // See createStringMasker: a masked card can join `user:` to a later '@'.
    if (carded !== out) out = maskUrlSecrets(carded)
    for (const pattern of patterns) out = out.replace(pattern, replacePattern)
    return out.length > maxStringChars ? cut(out, maxStringChars) : out
  }
}
