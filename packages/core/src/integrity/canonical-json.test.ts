import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { canonicalBytes, canonicalize } from './canonical-json'

// Inputs and expected outputs from RFC 8785 and its reference test data
// (github.com/cyberphone/json-canonicalization, testdata/input and testdata/output).
const RFC_VECTORS: ReadonlyArray<readonly [name: string, input: string, output: string]> = [
  [
    'values (RFC 8785 §3.2.2 sample)',
    String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`,
    String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
  ],
  [
    'weird (RFC 8785 §3.2.3 sorting sample)',
    String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\u000a": "Newline",
      "1": "One",
      "\u0080": "Control\u007f",
      "\ud83d\ude02": "Smiley",
      "\u00f6": "Latin Small Letter O With Diaeresis",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "</script>": "Browser Challenge"
    }`,
    '{"\\n":"Newline","\\r":"Carriage Return","1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",' +
      '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  ],
  [
    'structures',
    String.raw`{"1": {"f": {"f": "hi","F": 5} ,"\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ {"e": "yes","E": "no" } ], "A": { }}`,
    String.raw`{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}`,
  ],
  ['arrays', '[56, {"d": true, "10": null, "1": [ ]}]', '[56,{"1":[],"10":null,"d":true}]'],
  [
    'french',
    '{"peach": "This sorting order", "péché": "is wrong according to French", "pêche": "but canonicalization MUST", "sin": "ignore locale"}',
    '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ignore locale"}',
  ],
  ['unicode (no normalisation)', String.raw`{"Unnormalized Unicode":"A\u030a"}`, '{"Unnormalized Unicode":"A\u030a"}'],
]

// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
const NUMBER_TABLE: ReadonlyArray<readonly [bits: string, text: string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
]

// JCS string escapes written out by hand for every code unit below 0x80 (RFC 8785 §3.2.2.2).
function expectedEscape(code: number): string {
  const named: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' }
  if (named[code] !== undefined) return named[code]
  if (code < 0x20) return '\\u00' + (code < 0x10 ? '0' : '') + code.toString(16)
  return String.fromCharCode(code)
}

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, BigInt('0x' + hex))
  return view.getFloat64(0)
}

function expectCode(fn: () => unknown, code: string): void {
  expect(fn).toThrowError(expect.objectContaining({ code }) as unknown as Error)
}

// A plain recursive reference serialiser: JSON.stringify for scalars and names,
// members ordered by an explicit code-unit comparison. (JSON.stringify alone cannot
// be the oracle: JS objects always list integer-like names first.)
function reference(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(reference).join(',') + ']'
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return '{' + keys.map((key) => JSON.stringify(key) + ':' + reference((value as Record<string, unknown>)[key])).join(',') + '}'
  }
  return JSON.stringify(value)
}

// Rebuilds every object with its members inserted in a different, seed-driven order.
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => reordered(item, seed))
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
    const rank = (key: string): number => {
      let h = seed | 0
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x9e3779b1)
      return h
    }
    keys.sort((a, b) => rank(a) - rank(b))
    return Object.fromEntries(keys.map((key) => [key, reordered((value as Record<string, unknown>)[key], seed)]))
  }
  return value
}

const jsonObject = fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue())

describe('canonicalize', () => {
  it.each(RFC_VECTORS)('matches the RFC 8785 test vector %s', (_name, input, output) => {
    expect(canonicalize(JSON.parse(input))).toBe(output)
  })

  it.each(NUMBER_TABLE)('writes the double %s as %s (RFC 8785 Appendix B)', (bits, text) => {
    expect(canonicalize(fromBits(bits))).toBe(text)
  })

  it('escapes every ASCII code unit exactly as JCS requires', () => {
    for (let code = 0; code < 0x80; code++) {
      expect(canonicalize(String.fromCharCode(code))).toBe(`"${expectedEscape(code)}"`)
    }
  })

  it('writes non-ASCII characters, U+2028 and U+2029 literally', () => {
    expect(canonicalize('é\u2028\u2029😂\u007f')).toBe('"é\u2028\u2029😂\u007f"')
  })

  it('sorts member names by UTF-16 code units, not code points', () => {
    // U+1F602 is D83D DE02 in UTF-16, which sorts before U+FB33 although its code point is larger.
    expect(canonicalize({ '\ufb33': 1, '\ud83d\ude02': 2 })).toBe('{"\ud83d\ude02":2,"\ufb33":1}')
  })

  it('treats a __proto__ member as an ordinary member', () => {
    expect(canonicalize(JSON.parse('{"z":1,"__proto__":{"b":2}}'))).toBe('{"__proto__":{"b":2},"z":1}')
  })

  it('writes negative zero as 0', () => {
    expect(canonicalize({ a: -0, b: [-0] })).toBe('{"a":0,"b":[0]}')
  })

  it('omits undefined-valued members like JSON.stringify', () => {
    expect(canonicalize({ b: undefined, a: 1, c: { d: undefined } })).toBe('{"a":1,"c":{}}')
  })

  it('writes undefined array slots and holes as null like JSON.stringify', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalize([undefined, , 1])).toBe('[null,null,1]')
  })

  it('honours toJSON, so a Date becomes its ISO string', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))
    expect(canonicalize({ at })).toBe('{"at":"2024-01-02T03:04:05.006Z"}')
  })

  it('passes the member name to toJSON like JSON.stringify', () => {
    const probe = { toJSON: (key: string) => `key=${key}` }
    expect(canonicalize({ x: probe, y: [probe] })).toBe('{"x":"key=x","y":["key=0"]}')
  })

  it('omits a member whose toJSON returns undefined', () => {
    expect(canonicalize({ a: { toJSON: () => undefined }, b: 2 })).toBe('{"b":2}')
  })

  it('unwraps Number, String and Boolean objects', () => {
    expect(canonicalize([Object(1.5), Object('s'), Object(false)])).toBe('[1.5,"s",false]')
  })

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { z: 1, a: [2] }
    expect(canonicalize({ p: shared, q: [shared, shared] })).toBe('{"p":{"a":[2],"z":1},"q":[{"a":[2],"z":1},{"a":[2],"z":1}]}')
  })

  it('handles nesting far deeper than the call stack allows', () => {
    const depth = 200_000
    let value: unknown = 0
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value }
    const text = canonicalize(value)
    expect(text.length).toBe(1 + depth * 2 + (depth / 2) * 4)
    expect(text.startsWith('{"k":[{"k":[')).toBe(true)
  })

  it('does not modify its input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = structuredClone(value)
        canonicalize(value)
        expect(value).toStrictEqual(before)
      }),
    )
  })

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['NaN inside an object', { a: [1, NaN] }],
  ])('rejects %s with ET_CANONICAL_INVALID', (_name, value) => {
    expectCode(() => canonicalize(value), 'ET_CANONICAL_INVALID')
  })

  it.each([
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', 'a\udfffb'],
    ['reversed surrogates', '\ude02\ud83d'],
    ['a high surrogate at the end', 'ok\ud83d'],
  ])('rejects a string with %s', (_name, text) => {
    expectCode(() => canonicalize(text), 'ET_CANONICAL_INVALID')
    expectCode(() => canonicalize({ [text]: 1 }), 'ET_CANONICAL_INVALID')
  })

  it.each([
    ['a bigint', 1n],
    ['a bigint member', { n: 2n }],
    ['a function member', { f: () => 1 }],
    ['a function in an array', [() => 1]],
    ['a symbol', Symbol('s')],
    ['undefined at the top level', undefined],
  ])('rejects %s', (_name, value) => {
    expectCode(() => canonicalize(value), 'ET_CANONICAL_INVALID')
  })

  it('rejects a cycle through an object', () => {
    const a: Record<string, unknown> = { x: 1 }
    a.self = { back: a }
    expectCode(() => canonicalize(a), 'ET_CANONICAL_INVALID')
  })

  it('rejects a cycle through an array', () => {
    const list: unknown[] = [1]
    list.push({ list })
    expectCode(() => canonicalize(list), 'ET_CANONICAL_INVALID')
  })

  it('names the location of the offending value in the error', () => {
    expect(() => canonicalize({ metadata: { tags: ['ok', NaN] } })).toThrow('$.metadata.tags[1]')
  })

  it('equals a straightforward recursive reference serialiser on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalize(value)).toBe(reference(value))
      }),
      { numRuns: 500 },
    )
  })

  it('parses back deep-equal to any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalize(value))).toStrictEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns: 500 },
    )
  })

  it('is invariant under member reordering', () => {
    fc.assert(
      fc.property(jsonObject, fc.integer(), (value, seed) => {
        expect(canonicalize(reordered(value, seed))).toBe(canonicalize(value))
      }),
      { numRuns: 500 },
    )
  })

  it('is a fixed point: canonicalising canonical text changes nothing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value)
        expect(canonicalize(JSON.parse(text))).toBe(text)
      }),
    )
  })

  it('round-trips every finite double through its canonical text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(Object.is(Number(canonicalize(n)), n === 0 ? 0 : n)).toBe(true)
        expect(canonicalize(n)).toBe(JSON.stringify(n))
      }),
      { numRuns: 2_000 },
    )
  })
})

// The fast paths (scanned ancestors, cached member names, insertion sort, native
// surrogate check) must change nothing that canonicalize writes or throws.
describe('canonicalize fast paths', () => {
  // `{k:{k:…}}` nested `depth` levels; nodes[i] sits at depth i.
  function chain(depth: number): Array<Record<string, unknown>> {
    const nodes: Array<Record<string, unknown>> = [{}]
    for (let i = 1; i < depth; i++) {
      const node: Record<string, unknown> = {}
      nodes[i - 1]!.k = node
      nodes.push(node)
    }
    return nodes
  }

  it('rejects a cycle that closes far below the ancestors it scans, at the first repeat', () => {
    const nodes = chain(25)
    nodes[24]!.k = nodes[20]
    expect(() => canonicalize(nodes[0])).toThrow(new RegExp(`at \\$${'\\.k'.repeat(25)}$`))
  })

  it('rejects a deep cycle back to the root', () => {
    const nodes = chain(40)
    nodes[39]!.k = nodes[0]
    expectCode(() => canonicalize(nodes[0]), 'ET_CANONICAL_INVALID')
  })

  it('allows the same object twice deep in the tree when it is not a cycle', () => {
    const nodes = chain(30)
    const shared = { z: 1 }
    nodes[29]!.k = { a: shared, b: [shared, shared] }
    expect(canonicalize(nodes[0])).toBe('{"k":'.repeat(30) + '{"a":{"z":1},"b":[{"z":1},{"z":1}]}' + '}'.repeat(30))
  })

  it('sorts objects of any size, in any insertion order, like the reference serialiser', () => {
    const wide = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), { minKeys: 20, maxKeys: 80 })
    fc.assert(
      fc.property(wide, fc.integer(), (value, seed) => {
        expect(canonicalize(reordered(value, seed))).toBe(reference(value))
      }),
      { numRuns: 300 },
    )
  })

  it('writes every member name right after thousands of distinct names have passed', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `name-${i}-${'x'.repeat(i % 100)}\n`)
    const value = Object.fromEntries(names.map((name, i) => [name, i]))
    expect(canonicalize(value)).toBe(reference(value))
    expect(canonicalize(value)).toBe(reference(value))
  })

  it('rejects a member name with a lone surrogate on every call, not only the first', () => {
    expectCode(() => canonicalize({ 'a\ud800': 1 }), 'ET_CANONICAL_INVALID')
    expectCode(() => canonicalize({ 'a\ud800': 1 }), 'ET_CANONICAL_INVALID')
  })

  it('reads class instances and null-prototype objects as their own members, and unwraps subclassed wrappers', () => {
    class Point {
      y = 2
      x = 1
    }
    class Amount extends Number {}
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 })
    expect(canonicalize([new Point(), bare, new Amount(3)])).toBe('[{"x":1,"y":2},{"a":2,"b":1},3]')
  })

  it('finds lone surrogates just as well where String.prototype.isWellFormed is missing', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed')
    delete (String.prototype as { isWellFormed?: unknown }).isWellFormed
    try {
      vi.resetModules()
      const fallback = await import('./canonical-json')
      for (const text of ['\ud800', 'a\udfffb', '\ude02\ud83d', 'ok\ud83d']) {
        expectCode(() => fallback.canonicalize({ v: text }), 'ET_CANONICAL_INVALID')
      }
      expect(fallback.canonicalize(['\ud83d\ude02 "q"'])).toBe('["\ud83d\ude02 \\"q\\""]')
    } finally {
      if (descriptor !== undefined) Object.defineProperty(String.prototype, 'isWellFormed', descriptor)
    }
  })
})

describe('canonicalBytes', () => {
  it('is the UTF-8 encoding of the canonical text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalBytes(value)).toEqual(new Uint8Array(Buffer.from(canonicalize(value), 'utf8')))
      }),
    )
  })

  it.each([
    [
      'values',
      0,
      '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b33333333333333' +
        '33332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67223a22e282ac24' +
        '5c75303030665c6e4127425c225c5c5c5c5c222f227d',
    ],
    [
      'weird',
      1,
      '7b225c6e223a224e65776c696e65222c225c72223a2243617272696167652052657475726e222c2231223a224f6e6522' +
        '2c223c2f7363726970743e223a2242726f77736572204368616c6c656e6765222c22c280223a22436f6e74726f6c7f22' +
        '2c22c3b6223a224c6174696e20536d616c6c204c6574746572204f205769746820446961657265736973222c22e282ac' +
        '223a224575726f205369676e222c22f09f9882223a22536d696c6579222c22efacb3223a22486562726577204c657474' +
        '65722044616c6574205769746820446167657368227d',
    ],
  ])('matches the RFC 8785 UTF-8 byte vector of the %s sample', (_name, vector, hex) => {
    const input = RFC_VECTORS[vector]![1]
    expect(Buffer.from(canonicalBytes(JSON.parse(input))).toString('hex')).toBe(hex)
  })
})
