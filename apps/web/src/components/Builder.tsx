import { ReactFlowProvider } from '@xyflow/react';
import { useLiveJob } from '../hooks/useLiveJob';
import { useShortcuts } from '../hooks/useShortcuts';
import { BottomPanel } from './BottomPanel';
import { Canvas } from './Canvas';
import { Header } from './Header';
import { Inspector } from './Inspector';
import { Palette } from './Palette';

/** The pipeline builder: palette, canvas, inspector and the bottom panel (the home page). */
export function Builder() {
  useLiveJob();
  useShortcuts();
  return (
    <ReactFlowProvider>
      <div className="app">
        <Header />
        <Palette />
        <main className="canvas-area">
          <Canvas />
        </main>
        <Inspector />
        <BottomPanel />
      </div>
    </ReactFlowProvider>
  );
}
