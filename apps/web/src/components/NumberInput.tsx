import { useState } from 'react';
import type { FormField } from '../form/form-model';

type NumberField = Extract<FormField, { control: 'number' }>;

/**
 * A number input that keeps what the user types (e.g. `1.` or `-`) while it is not yet a number,
 * and writes a real number (or removes the param when emptied) as soon as it is one.
 */
export function NumberInput({ field, id, onChange }: { field: NumberField; id: string; onChange(v: unknown): void }) {
  const external = field.value === undefined ? '' : String(field.value);
  const [draft, setDraft] = useState(external);
  const [seen, setSeen] = useState(external);
  if (external !== seen) {
    setSeen(external);
    if (Number(draft) !== field.value || draft.trim() === '') setDraft(external);
  }
  return (
    <input
      id={id}
      type="number"
      inputMode={field.integer ? 'numeric' : 'decimal'}
      step={field.integer ? 1 : 'any'}
      {...(field.min !== undefined ? { min: field.min } : {})}
      {...(field.max !== undefined ? { max: field.max } : {})}
      value={draft}
      placeholder={field.default !== undefined ? `default ${String(field.default)}` : ''}
      data-testid={`param-${field.key}`}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        if (text.trim() === '') onChange(undefined);
        else if (Number.isFinite(Number(text))) onChange(Number(text));
      }}
    />
  );
}
