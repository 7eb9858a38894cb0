// The demo app's home: what the signed-in persona gets. Server-rendered from the middleware's
// results; sign-in and upgrades re-evaluate in the browser without a request.
import { headers } from 'next/headers';
import Inbox from '../components/Inbox';
import { HEADER, decode } from '../lib/served';

export default async function Home() {
  const served = decode((await headers()).get(HEADER));
  const hidden = served ? Object.keys(served.flags).length - served.clientVisible.length : 0;
  return (
    <>
      <Inbox />
      <p className="note">
        The middleware evaluated {served ? Object.keys(served.flags).length : 0} flags on the edge for this request; the{' '}
        {hidden} server-only ones are not in this page. It was rendered with the client-visible results, and the
        browser engine takes over from the client-safe snapshot without changing what you see.
      </p>
    </>
  );
}
