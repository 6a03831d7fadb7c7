import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AppState } from './AppState.js';
import type { AppStore } from './AppStore.js';

export const AppContext = createContext<AppStore | undefined>(undefined);

export function useStore(): AppStore {
  const store = useContext(AppContext);
  if (!store) throw new Error('useStore outside <AppContext.Provider>');
  return store;
}

/** A slice of the app state; the component re-renders when that slice changes. */
export function useApp<T>(select: (state: AppState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.state));
}
