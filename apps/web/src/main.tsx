import '@xyflow/react/dist/style.css';
import './styles.css';
// Eager, though the console is lazy: the builder's header and nodes use some of its classes.
import './console/console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './api/access-token';
import { attachToActiveJob } from './api/run-job';
import { App } from './components/App';
import { EditorStoreContext } from './hooks/store-context';
import { readTheme } from './lib/theme-storage';
import { createEditorStore } from './store/editor-store';
import { demoGraph } from './store/serialize';

adoptTokenFromUrl();
const store = createEditorStore(demoGraph());
store.getState().setTheme(readTheme());
// Before the first paint, so that a dark page does not flash light (useTheme keeps it in step).
document.documentElement.dataset.theme = store.getState().theme;
void attachToActiveJob(store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <EditorStoreContext value={store}>
      <App />
    </EditorStoreContext>
  </StrictMode>,
);
