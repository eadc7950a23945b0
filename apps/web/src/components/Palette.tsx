import { CATALOG, type OperatorCategory, type OperatorDef } from '@riffle/shared';
import type { DragEvent } from 'react';
import { useAddNodeAtCenter } from '../hooks/useAddNodeAtCenter';
import { DND_TYPE } from '../lib/layout';

const GROUPS: Array<{ title: string; categories: OperatorCategory[] }> = [
  { title: 'Sources', categories: ['source'] },
  { title: 'Transforms', categories: ['transform', 'join'] },
  { title: 'Keys & Windows', categories: ['keys', 'window'] },
  { title: 'Sinks', categories: ['sink'] },
];

function onDragStart(e: DragEvent, kind: string) {
  e.dataTransfer.setData(DND_TYPE, kind);
  e.dataTransfer.setData('text/plain', kind);
  e.dataTransfer.effectAllowed = 'copy';
}

function PaletteItem({ def, onAdd }: { def: OperatorDef; onAdd: (kind: string) => void }) {
  return (
    <li
      className={`palette-item cat-${def.category}`}
      draggable
      onDragStart={(e) => onDragStart(e, def.kind)}
      onDoubleClick={() => onAdd(def.kind)}
      title={`${def.description}\nDrag onto the canvas, or double-click to add.`}
      data-testid={`palette-item-${def.kind}`}
    >
      <span className="palette-item__label">{def.label}</span>
      <span className="palette-item__kind">{def.kind}</span>
    </li>
  );
}

/** Every catalog operator, grouped by category; drag onto the canvas or double-click to add. */
export function Palette() {
  const addAtCenter = useAddNodeAtCenter();
  return (
    <nav className="palette" aria-label="Operators">
      {GROUPS.map((g) => {
        const defs = CATALOG.filter((d) => g.categories.includes(d.category));
        if (defs.length === 0) return null;
        return (
          <section key={g.title} className="palette-group">
            <h2 className="panel-title">{g.title}</h2>
            <ul>
              {defs.map((d) => (
                <PaletteItem key={d.kind} def={d} onAdd={addAtCenter} />
              ))}
            </ul>
          </section>
        );
      })}
      <p className="palette-hint">Drag an operator onto the canvas, or double-click it.</p>
    </nav>
  );
}
