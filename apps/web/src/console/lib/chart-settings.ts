/** Series colours, readable on the light and the dark theme. */
export const SERIES_COLORS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#64748b', '#ca8a04', '#dc2626'];

/** Charts redraw at most this often (the server samples once a second). */
export const REDRAW_MS = 1000;
