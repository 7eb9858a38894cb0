// Every page renders inside the flags provider, started from the results the middleware computed
// for this request: the HTML already holds the right variants, and the browser's first render
// (hydration) uses the same values, so nothing changes once the Wasm engine takes over.
import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import FlagsProvider from '../components/FlagsProvider';
import { HEADER, bootstrapOf, decode } from '../lib/served';
import './globals.css';

export const metadata = { title: 'edgeflag demo', description: 'Feature flags on the edge, in the browser, identically' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const served = decode((await headers()).get(HEADER));
  const bootstrap = served ? bootstrapOf(served) : undefined;
  // Read at request time, so one build serves any collector.
  const eventsUrl = process.env.EDGEFLAG_EVENTS_URL || undefined;
  // The Worker's public /subscribe (version numbers only: nothing secret reaches the page).
  const subscribeUrl = process.env.EDGEFLAG_SUBSCRIBE_URL || undefined;
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a href="/" className="brand">edgeflag</a>
          <nav>
            <a href="/">App</a>
            <a href="/checkout">Checkout experiment</a>
            <a href="/playground">Playground</a>
            <a href="/dashboard">Dashboard</a>
          </nav>
          <span className="meta" data-testid="snapshot">
            snapshot v{served?.version ?? '–'} · {served?.origin ?? 'no middleware'} · {served?.runtime ?? ''}
          </span>
        </header>
        {bootstrap && (
          <script
            id="edgeflag-bootstrap"
            type="application/json"
            // Inert JSON for tests and tools; `<` escaped so no value can close the script.
            dangerouslySetInnerHTML={{ __html: JSON.stringify(bootstrap).replace(/</g, '\\u003c') }}
          />
        )}
        <FlagsProvider bootstrap={bootstrap} eventsUrl={eventsUrl} subscribeUrl={subscribeUrl}>
          <main>{children}</main>
        </FlagsProvider>
      </body>
    </html>
  );
}
