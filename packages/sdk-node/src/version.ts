/** Name and version sent in client reports and the `User-Agent`; a test keeps it equal to package.json. */
export const SDK_INFO = { name: '@echotrail/node', version: '0.0.0' } as const
