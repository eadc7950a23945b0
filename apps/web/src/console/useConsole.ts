import { useStore } from 'zustand';
import type { ConsoleState } from './store/console-store';
import { useConsoleStore } from './useConsoleStore';

/** Subscribes to a slice of the job page's console state (the selector must return a stable value). */
export function useConsole<T>(selector: (s: ConsoleState) => T): T {
  return useStore(useConsoleStore(), selector);
}
