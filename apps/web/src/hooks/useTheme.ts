import { useEffect } from 'react';
import { writeTheme } from '../lib/theme-storage';
import type { Theme } from '../store/view-slice';
import { useEditor } from './useEditor';

/** The current theme; keeps `<html data-theme>` (the CSS variables) and localStorage in step. */
export function useTheme(): Theme {
  const theme = useEditor((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
    writeTheme(theme);
  }, [theme]);
  return theme;
}
