import type { FormField } from '../form/form-model';
import { ArrayField } from './ArrayField';
import { FieldControl } from './FieldControl';
import { FieldError } from './FieldError';
import { inputId, type FormContext } from './form-context';

const HINTS: Record<string, string> = { cel: 'CEL expression', duration: 'duration, e.g. 10s, 1m' };

/** One generated field: a nested fieldset for objects, rows for arrays, else label + input. */
export function FieldView({ field, ctx, compact = false }: { field: FormField; ctx: FormContext; compact?: boolean }) {
  if (field.control === 'array') return <ArrayField field={field} ctx={ctx} />;
  if (field.control === 'object') {
    return (
      <fieldset className={compact ? 'param-row__fields' : 'param-group'} data-testid={`param-group-${field.key}`}>
        {!compact && <legend>{field.name}</legend>}
        {field.fields.map((f) => (
          <FieldView key={f.key} field={f} ctx={ctx} compact={compact} />
        ))}
        <FieldError ctx={ctx} fieldKey={field.key} />
      </fieldset>
    );
  }
  const hint = field.control === 'text' && field.format ? HINTS[field.format] : undefined;
  return (
    <div className={`param param--${field.control}`}>
      <label htmlFor={inputId(ctx, field.key)} title={field.description}>
        {field.name}
        {field.required && <span className="req" title="required">*</span>}
        {hint && <span className="param__hint">{hint}</span>}
      </label>
      <FieldControl field={field} ctx={ctx} />
      <FieldError ctx={ctx} fieldKey={field.key} />
    </div>
  );
}
