import { StartupError } from '../errors.js'
import { keysCommand, migrateCommand, startCommand, verifyCommand } from './commands.js'
import { processIo, type CliIo } from './output.js'

const USAGE = `Usage: echotrail <command> [options]

Commands:
  start     [--host 127.0.0.1] [--port 8081]      run the collector
  migrate                                         apply database migrations
  keys      create [--kind secret|publishable] [--name n] [--origin url]... [--rate-limit n] [--project p]
            list [--project p]
            revoke <key id or prefix>
  verify    [--project p] [--public-key key]      re-derive the ledger; exit 1 on any finding

Storage (every command): --database-url (DATABASE_URL) for PostgreSQL, else PGlite in
--data-dir (ECHOTRAIL_DATA_DIR, default ./.echotrail).`

/** True for errors the CLI prints as `code: message`. */
export function isEchotrailCliError(err: unknown): err is { code: string; message: string } {
  if (err instanceof StartupError) return true
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...args] = argv
  switch (command) {
    case 'start':
      return startCommand(args, io)
    case 'migrate':
      return migrateCommand(args, io)
    case 'keys':
      return keysCommand(args, io)
    case 'verify':
      return verifyCommand(args, io)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE)
      return command === undefined ? 2 : 0
    default:
      io.err(`Unknown command ${command}.\n\n${USAGE}`)
      return 2
  }
}
