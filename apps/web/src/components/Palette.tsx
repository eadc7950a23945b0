import type { OperatorDef } from '@riffle/shared';
import { useMemo, useState, type DragEvent } from 'react';
import { useAddNodeAtCenter } from '../hooks/useAddNodeAtCenter';
import { DND_TYPE } from '../lib/layout';
import { paletteGroups } from '../lib/palette-groups';
import { CategoryIcon, Icon } from './Icon';

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
      <CategoryIcon category={def.category} />
      <span className="palette-item__text">
        <span className="palette-item__label">{def.label}</span>
        <span className="palette-item__kind">{def.kind}</span>
      </span>
    </li>
  );
}

/** Catalog operators grouped by category, with a search box; drag onto the canvas or double-click. */
export function Palette() {
  const addAtCenter = useAddNodeAtCenter();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(query), [query]);
  return (
    <nav className="palette" aria-label="Operators">
      <div className="palette-search">
        <Icon name="search" size={14} className="palette-search__icon" />
        <input
          type="search"
          placeholder="Search operators"
          aria-label="Search operators"
          value={query}
          data-testid="palette-search"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
            // Enter adds the only (or first) match: search, then Enter, then keep typing.
            if (e.key === 'Enter' && groups[0]?.defs[0]) addAtCenter(groups[0].defs[0].kind);
          }}
        />
      </div>
      {groups.map((g) => (
        <section key={g.title} className="palette-group" data-testid="palette-group">
          <h2 className="panel-title">{g.title}</h2>
          <ul>
            {g.defs.map((d) => (
              <PaletteItem key={d.kind} def={d} onAdd={addAtCenter} />
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && (
        <p className="muted palette-empty" data-testid="palette-empty">
          No operator matches “{query}”.
        </p>
      )}
      <p className="palette-hint">Drag an operator onto the canvas, or double-click it.</p>
    </nav>
  );
}
