import { useMemo } from 'react';
import { locateProblems, type LocatedProblem } from '../store/validation';
import { useEditor } from './useEditor';
import { useValidation } from './useValidation';

/** Every problem to show: the server's answer to the last Run first, then the live validation. */
export function useProblems(): LocatedProblem[] {
  const validation = useValidation();
  const nodes = useEditor((s) => s.graph.nodes);
  const serverErrors = useEditor((s) => s.job.serverErrors);
  return useMemo(() => {
    if (serverErrors.length === 0) return validation.errors;
    const server = locateProblems(serverErrors, nodes.map((n) => n.id), 'server');
    return [...server, ...validation.errors];
  }, [validation, nodes, serverErrors]);
}
