import { withEchotrail } from '@echotrail/node/next'
import { echotrail } from '../../../../lib/echotrail'

const USERS: Record<string, { id: string; name: string }> = {
  '1': { id: '1', name: 'Ada Lovelace' },
  '2': { id: '2', name: 'Grace Hopper' },
}

/** GET /api/users/:id — recorded with the route template `/api/users/[id]`. */
export const GET = withEchotrail(
  async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const { id } = await params
    const user = USERS[id]
    return user === undefined ? Response.json({ error: 'not found' }, { status: 404 }) : Response.json(user)
  },
  { client: echotrail, route: '/api/users/[id]' },
)
