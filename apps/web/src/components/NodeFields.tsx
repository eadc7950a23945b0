import { useState } from 'react';
import { useEditor } from '../hooks/useEditor';
import { selectOutputSchema } from '../store/schema-selectors';
import { Icon } from './Icon';

/** A node's output record schema on the canvas: collapsed to a count, expands to `name type` rows. */
export function NodeFields({ nodeId, sink }: { nodeId: string; sink: boolean }) {
  const schema = useEditor((s) => selectOutputSchema(s, nodeId));
  const [open, setOpen] = useState(false);
  if (!schema || (schema.fields.length === 0 && !schema.open)) return null;
  const n = schema.fields.length;
  const label = `${n === 0 ? 'any' : n} field${n === 1 ? '' : 's'}${schema.open && n > 0 ? ' +' : ''}${sink ? ' in' : ' out'}`;
  return (
    <div className="node-fields">
      <button
        type="button"
        className={`node-fields__toggle nodrag${open ? ' is-open' : ''}`}
        aria-expanded={open}
        title={schema.fields.map((f) => `${f.name}: ${f.type}`).join('\n')}
        data-testid={`node-fields-toggle-${nodeId}`}
        onClick={() => setOpen(!open)}
      >
        <Icon name="chevron" size={10} />
        {label}
      </button>
      {open && n > 0 && (
        <ul className="node-fields__list" data-testid={`node-fields-${nodeId}`}>
          {schema.fields.map((f) => (
            <li key={f.name}>
              <span>{f.name}</span>
              <span className={`type type-${f.type}`}>{f.type}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
