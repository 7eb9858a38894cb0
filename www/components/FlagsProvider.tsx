'use client';
// The browser client for the whole app: bootstrapped with the server's results, then evaluating
// locally from the client-safe snapshot at /api/edgeflag/snapshot (revalidated with its ETag, at
// once when the Worker pushes a new version: EDGEFLAG_SUBSCRIBE_URL), in
// its compiled form: the page loads the package's smaller module, which reads only that form.
// Exposures of what was shown go to EDGEFLAG_EVENTS_URL, at the latest when the page is hidden.
import { useEffect, useState, type ReactNode } from 'react';
import { createClient, type Bootstrap, type Client } from 'edgeflag/client';
import { EdgeflagProvider } from 'edgeflag/react';

declare global {
  interface Window {
    edgeflag?: Client;
  }
}

export default function FlagsProvider(props: { bootstrap?: Bootstrap; eventsUrl?: string; subscribeUrl?: string; children: ReactNode }) {
  const [client] = useState(() =>
    createClient({
      bootstrap: props.bootstrap,
      snapshotUrl: '/api/edgeflag/snapshot',
      // The Worker's pushes: a new version is fetched from the route above at once.
      subscribeUrl: props.subscribeUrl,
      reporter: props.eventsUrl ? { url: props.eventsUrl } : undefined,
      start: false, // in the effect below: once, in the browser, after the first paint
      onError: (e) => console.warn('edgeflag:', e),
    }),
  );
  useEffect(() => {
    window.edgeflag = client; // for the console (and the browser tests)
    client.start().then(() => (document.documentElement.dataset.edgeflag = client.source));
  }, [client]);
  return <EdgeflagProvider client={client}>{props.children}</EdgeflagProvider>;
}
