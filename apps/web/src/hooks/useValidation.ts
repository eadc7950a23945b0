import { validateGraph, type GraphValidation } from '../store/validation';
import { useEditor } from './useEditor';

/** Validation of the current canvas; recomputed once per graph revision and shared. */
export function useValidation(): GraphValidation {
  return validateGraph(useEditor((s) => s.graph));
}
