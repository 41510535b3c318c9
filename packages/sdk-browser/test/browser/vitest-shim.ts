// Just enough of vitest's API for test/event-queue-contract.ts to run inside Chromium,
// where the real vitest does not: tests are collected, then run one by one by the page.

type Test = { name: string; fn: () => unknown }
const tests: Test[] = []
const prefix: string[] = []

export function describe(name: string, fn: () => void): void {
  prefix.push(name)
  try {
    fn()
  } finally {
    prefix.pop()
  }
}

export function it(name: string, fn: () => unknown): void {
  tests.push({ name: [...prefix, name].join(' > '), fn })
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  )

export function expect(actual: unknown) {
  const fail = (what: string, expected: unknown): never => {
    throw new Error(`expected ${canonical(actual)} ${what} ${canonical(expected)}`)
  }
  return {
    toEqual: (expected: unknown) => void (canonical(actual) === canonical(expected) || fail('to equal', expected)),
    toBe: (expected: unknown) => void (Object.is(actual, expected) || fail('to be', expected)),
    toHaveLength: (n: number) => void ((actual as { length: number }).length === n || fail('to have length', n)),
    toBeGreaterThan: (n: number) => void ((actual as number) > n || fail('to be greater than', n)),
  }
}

/** Runs every collected test in order; one result per test. */
export async function runCollected(): Promise<{ name: string; error: string | undefined }[]> {
  const results: { name: string; error: string | undefined }[] = []
  for (const test of tests) {
    try {
      await test.fn()
      results.push({ name: test.name, error: undefined })
    } catch (error) {
      results.push({ name: test.name, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) })
    }
  }
  return results
}
