import { createContext } from 'react';
import type { ConsoleStore } from './store/console-store';

/** Provides a job page's console store to its components. */
export const ConsoleStoreContext = createContext<ConsoleStore | null>(null);
