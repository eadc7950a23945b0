import type { FormField } from '../form/form-model';
import { FieldError } from './FieldError';
import { FieldView } from './FieldView';
import type { FormContext } from './form-context';

type ArrayModel = Extract<FormField, { control: 'array' }>;

/** An array param as rows with add/remove buttons; each row is the item's own fields. */
export function ArrayField({ field, ctx }: { field: ArrayModel; ctx: FormContext }) {
  const items = Array.isArray(field.value) ? field.value : [];
  const add = () => ctx.onChange(field.path, [...items, structuredClone(field.newItem)]);
  const remove = (i: number) => {
    const next = items.filter((_, j) => j !== i);
    ctx.onChange(field.path, next.length === 0 && !field.required ? undefined : next);
  };
  return (
    <fieldset className="param-group param-array" data-testid={`param-group-${field.key}`}>
      <legend>
        {field.name}
        {field.required && <span className="req">*</span>}
      </legend>
      {field.rows.map((row, i) => (
        <div className="param-row" key={row.key}>
          <span className="param-row__index">{i + 1}</span>
          <div className="param-row__body">
            <FieldView field={row} ctx={ctx} compact />
          </div>
          <button
            type="button"
            className="icon-button"
            title="Remove this row"
            aria-label={`Remove ${field.name} ${i + 1}`}
            disabled={items.length <= field.minItems}
            data-testid={`param-remove-${row.key}`}
            onClick={() => remove(i)}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className="link-button" data-testid={`param-add-${field.key}`} onClick={add}>
        + Add {field.name === 'aggregate' ? 'aggregate' : 'row'}
      </button>
      <FieldError ctx={ctx} fieldKey={field.key} />
    </fieldset>
  );
}
