// Types of `edgeflag/react`.
import type { ReactNode } from 'react';
import type { Client } from './client.js';
import type { Details, JsonValue } from './index.js';

export function EdgeflagProvider(props: { client: Client; children?: ReactNode }): ReactNode;
/** The client of the nearest provider. */
export function useEdgeflag(): Client;
/** A flag's served details (undefined when unknown); its exposure is recorded once rendered unless `{ track: false }`. */
export function useFlagDetails(flagKey: string, options?: { track?: boolean }): Details | undefined;
/** A flag's value, or `defaultValue` where none is served. */
export function useFlag<T extends JsonValue>(flagKey: string, defaultValue: T, options?: { track?: boolean }): T;
