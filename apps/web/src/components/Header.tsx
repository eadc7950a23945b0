import { useEditor } from '../hooks/useEditor';
import { NavLinks } from '../console/NavLinks';
import { Brand } from './Brand';
import { EditToolbar } from './EditToolbar';
import { FileActions } from './FileActions';
import { Notice } from './Notice';
import { RunControls } from './RunControls';
import { SavedPipelineActions } from './SavedPipelineActions';

export function Header() {
  const name = useEditor((s) => s.graph.name);
  return (
    <header className="app-header">
      <Brand />
      <NavLinks />
      <div className="pipeline-name" title="pipeline name">
        {name}
      </div>
      <FileActions />
      <SavedPipelineActions />
      <EditToolbar />
      <Notice />
      <div className="spacer" />
      <RunControls />
    </header>
  );
}
