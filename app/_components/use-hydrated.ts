"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, true after. Forms that
 * carry a secret disable their submit button until then: a click before hydration would
 * otherwise be a native submission that React's onSubmit never sees.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}
