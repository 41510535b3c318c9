export default function Home() {
  return (
    <main>
      <h1>Echotrail × Next.js</h1>
      <p>
        Try <a href="/api/users/1">/api/users/1</a>: each request to the route handler becomes one audit event.
      </p>
    </main>
  )
}
