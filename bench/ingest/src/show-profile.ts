/** Prints the top self-time functions of a .cpuprofile: `node --import tsx src/show-profile.ts FILE [TOP]`. */
import { formatSelfTimes, readProfile } from './cpuprofile.js'

const [file, top = '25'] = process.argv.slice(2)
if (!file) throw new Error('usage: show-profile FILE [TOP]')
process.stdout.write(`${formatSelfTimes(readProfile(file), Number(top))}\n`)
