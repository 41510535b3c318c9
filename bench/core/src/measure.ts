/** How long to warm up and how many timed rounds to take. */
export interface MeasureOptions {
  /** Untimed calls per contender before timing starts. @default 20000 */
  warmupCalls?: number
  /** Timed rounds per contender; the median is reported. @default 9 */
  rounds?: number
  /** Calls per timed round. @default 20000 */
  callsPerRound?: number
}

const DEFAULTS = { warmupCalls: 20_000, rounds: 9, callsPerRound: 20_000 } as const satisfies Required<MeasureOptions>

// Every result is summed into a sink the caller checks, so no call can be optimised away.
type Result = { readonly length: number }

/** Median nanoseconds per call of each contender, from interleaved timed rounds. */
export function measureInterleaved(
  contenders: Readonly<Record<string, () => unknown>>,
  options: MeasureOptions = {},
): Record<string, number> {
  const { warmupCalls, rounds, callsPerRound } = { ...DEFAULTS, ...options }
  const names = Object.keys(contenders)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]))
  let sink = 0
  const run = (fn: () => unknown, calls: number): number => {
    const start = performance.now()
    for (let i = 0; i < calls; i++) sink += (fn() as Result).length
    return ((performance.now() - start) * 1e6) / calls
  }
  for (const name of names) run(contenders[name]!, warmupCalls)
  for (let round = 0; round < rounds; round++) {
    for (const name of roundOrder(names, round)) samples[name]!.push(run(contenders[name]!, callsPerRound))
  }
  if (sink === 0) throw new Error('benchmark produced nothing')
  return medians(samples)
}

/** Like `measureInterleaved`, but awaits each call that returns a promise before the next. */
// Awaiting call by call is how the collector hashes events; synchronous contenders pay
// only an `instanceof` check, so they stay comparable within the same run.
export async function measureInterleavedAsync(
  contenders: Readonly<Record<string, () => unknown>>,
  options: MeasureOptions = {},
): Promise<Record<string, number>> {
  const { warmupCalls, rounds, callsPerRound } = { ...DEFAULTS, ...options }
  const names = Object.keys(contenders)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]))
  let sink = 0
  const run = async (fn: () => unknown, calls: number): Promise<number> => {
    const start = performance.now()
    for (let i = 0; i < calls; i++) {
      const result = fn()
      sink += ((result instanceof Promise ? await result : result) as Result).length
    }
    return ((performance.now() - start) * 1e6) / calls
  }
  for (const name of names) await run(contenders[name]!, warmupCalls)
  for (let round = 0; round < rounds; round++) {
    for (const name of roundOrder(names, round)) samples[name]!.push(await run(contenders[name]!, callsPerRound))
  }
  if (sink === 0) throw new Error('benchmark produced nothing')
  return medians(samples)
}

// Alternate the order so no contender always runs on a warmer (or hotter) machine.
function roundOrder(names: readonly string[], round: number): readonly string[] {
  return round % 2 === 0 ? names : [...names].reverse()
}

function medians(samples: Readonly<Record<string, number[]>>): Record<string, number> {
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]))
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
