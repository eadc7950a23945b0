import type { ReactNode } from 'react';
import { Brand } from '../components/Brand';
import { NavLinks } from './NavLinks';

/** The console pages' header: brand, navigation, then the page's own title and actions. */
export function ConsoleHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header console-header">
      <Brand />
      <NavLinks />
      {children}
    </header>
  );
}
