// `edgeflag/react`: React bindings for the browser client (`edgeflag/client`). Its own subpath, so
// apps without React never bundle it. A component reading a flag re-renders only when that flag's
// served result changes, and its exposure is recorded once the component has rendered it.
import { createContext, createElement, useContext, useEffect, useSyncExternalStore } from 'react';

const ClientContext = createContext(null);

/** Makes `client` (from `createClient`) available to `useFlag` below it. */
export function EdgeflagProvider({ client, children }) {
  return createElement(ClientContext.Provider, { value: client }, children);
}

/** The client of the nearest `EdgeflagProvider`; throws outside one. */
export function useEdgeflag() {
  const client = useContext(ClientContext);
  if (client === null) throw new Error('edgeflag: useFlag needs an <EdgeflagProvider client={…}> above it');
  return client;
}

/** A flag's details as served (undefined for a flag the client does not know); recorded as an exposure when shown. */
export function useFlagDetails(flagKey, options) {
  const client = useEdgeflag();
  const read = () => client.details(flagKey);
  // The server renders from the bootstrap, as the browser's first render does: no mismatch.
  const details = useSyncExternalStore(client.subscribe, read, read);
  const track = options?.track !== false;
  useEffect(() => {
    if (track && details !== undefined) client.expose(flagKey);
  }, [client, flagKey, details, track]);
  return details;
}

/** A flag's value, or `defaultValue` where none is served. */
export function useFlag(flagKey, defaultValue, options) {
  const details = useFlagDetails(flagKey, options);
  return details && details.variationIndex !== null ? details.value : defaultValue;
}
