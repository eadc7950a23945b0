/** Nominal node size, used to centre a dropped node on the pointer (CSS sets the real width). */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;

/** The palette's drag-and-drop payload type. */
export const DND_TYPE = 'application/x-riffle-operator';
