import type { Field } from '@riffle/shared';

/** A compact `name: type` list (a node's input or output record schema). */
export function FieldList(props: { title: string; fields: readonly Field[]; open?: boolean; testId: string; empty: string }) {
  return (
    <section className="inspector__section">
      <h3 className="section-title">{props.title}</h3>
      {props.fields.length === 0 && !props.open ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <ul className="field-list" data-testid={props.testId}>
          {props.fields.map((f) => (
            <li key={f.name}>
              <span className="mono">{f.name}</span>
              <span className="type">{f.type}</span>
            </li>
          ))}
          {props.open && <li className="muted">…and any other fields (open schema)</li>}
        </ul>
      )}
    </section>
  );
}
