import { describe, expect, it } from 'vitest'
import { BodyTap } from './body'

const bytes = (text: string) => Buffer.from(text, 'utf8')

describe('BodyTap', () => {
  it('keeps its own copy of a written buffer the app reuses afterwards', () => {
    const tap = new BodyTap(100, true)
    const buf = bytes('{"ok":true}')
    tap.add(buf)
    buf.fill(0x20)
    expect(tap.text()).toBe('{"ok":true}')
  })

  it('joins a character split across two written buffers, whichever way its chunks are kept', () => {
    const whole = bytes('{"name":"café","n":1}')
    const cut = whole.indexOf(0xc3) + 1 // between the two bytes of é
    const tap = new BodyTap(100, true)
    const first = Buffer.from(whole.subarray(0, cut))
    const second = Buffer.from(whole.subarray(cut))
    tap.add(first)
    tap.add(second)
    first.fill(0x20)
    second.fill(0x20)
    expect(tap.text()).toBe('{"name":"café","n":1}')
  })

  it('reads written buffers, strings and Uint8Arrays as one text', () => {
    const tap = new BodyTap(100, true)
    tap.add(bytes('{"a":'))
    tap.add('"é",')
    tap.add(new Uint8Array(bytes('"b":2}')))
    expect(tap.text()).toBe('{"a":"é","b":2}')
    expect(tap.truncated).toBe(false)
  })

  it('cuts at maxBytes and says so', () => {
    const tap = new BodyTap(4, true)
    tap.add(bytes('ab'))
    tap.add(bytes('cdef'))
    expect(tap.text()).toBe('abcd')
    expect(tap.truncated).toBe(true)
  })

  it('keeps request chunks by reference when told the host never reuses them', () => {
    const tap = new BodyTap(100, false)
    const buf = bytes('{"id":1}')
    tap.add(buf)
    expect(tap.text()).toBe('{"id":1}')
  })
})
