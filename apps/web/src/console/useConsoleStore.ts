import { useContext } from 'react';
import { ConsoleStoreContext } from './console-context';
import type { ConsoleStore } from './store/console-store';

/** The job page's console store, for event handlers that call its actions. */
export function useConsoleStore(): ConsoleStore {
  const store = useContext(ConsoleStoreContext);
  if (!store) throw new Error('useConsoleStore: render inside <ConsoleStoreContext value={store}>');
  return store;
}
