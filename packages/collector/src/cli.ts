import { isEchotrailCliError, runCli } from './cli/run.js'

// The `echotrail` binary. Errors are printed as `code: message`, never as a stack.
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (isEchotrailCliError(err)) process.stderr.write(`${err.code}: ${err.message}\n`)
    else process.stderr.write(`ET_INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)
