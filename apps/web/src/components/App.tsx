import { ReactFlowProvider } from '@xyflow/react';
import { useLiveJob } from '../hooks/useLiveJob';
import { useShortcuts } from '../hooks/useShortcuts';
import { useTheme } from '../hooks/useTheme';
import { BottomPanel } from './BottomPanel';
import { Canvas } from './Canvas';
import { Header } from './Header';
import { Inspector } from './Inspector';
import { Palette } from './Palette';

export function App() {
  useLiveJob();
  useShortcuts();
  useTheme();
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
