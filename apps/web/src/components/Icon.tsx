import type { OperatorCategory } from '@riffle/shared';

/** Stroke paths on a 16×16 grid (drawn here so that no icon library is needed). */
const PATHS = {
  undo: 'M5.5 3.5 2.5 6.5l3 3M2.5 6.5h7a4 4 0 0 1 0 8h-2',
  redo: 'M10.5 3.5l3 3-3 3M13.5 6.5h-7a4 4 0 0 0 0 8h2',
  layout: 'M1.5 3.5h4v3h-4zM10.5 1.5h4v3h-4zM10.5 9.5h4v3h-4zM5.5 5h2.5v-2h2.5M8 5v6h2.5',
  fit: 'M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4M5.5 5.5h5v5h-5z',
  sun: 'M8 4.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7zM8 .5v1.5M8 14v1.5M.5 8H2M14 8h1.5M2.7 2.7l1 1M12.3 12.3l1 1M2.7 13.3l1-1M12.3 3.7l1-1',
  moon: 'M13.5 10A6 6 0 0 1 6 2.5a6 6 0 1 0 7.5 7.5z',
  search: 'M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.3 10.3 14 14',
  chevron: 'M6 4l4 4-4 4',
  // Categories
  source: 'M2.5 3.5c0-1.1 2.5-2 5.5-2s5.5.9 5.5 2-2.5 2-5.5 2-5.5-.9-5.5-2zM2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2',
  transform: 'M2 5.5h10M9 2.5l3 3-3 3M14 10.5H4M7 7.5l-3 3 3 3',
  keys: 'M5 5a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM8 8h6.5M12.5 8v2.5M10.5 8v2',
  window: 'M1.5 3.5h13v9h-13zM5.8 3.5v9M10.2 3.5v9',
  join: 'M6 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9z',
  sink: 'M8 1.5v8M4.5 6.5 8 10l3.5-3.5M1.5 11.5v3h13v-3',
  unknown: 'M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.7M8 12.8v.2',
} as const;

export type IconName = keyof typeof PATHS;

/** A 16px line icon that takes the current text colour. */
export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg className={className} width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} strokeLinecap="round" strokeLinejoin="round" aria-hidden focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The icon of an operator category (palette, canvas node, inspector). */
export function CategoryIcon({ category, size = 14 }: { category: OperatorCategory | undefined; size?: number }) {
  return (
    <span className="cat-icon" data-category={category ?? 'unknown'}>
      <Icon name={category ?? 'unknown'} size={size} />
    </span>
  );
}
