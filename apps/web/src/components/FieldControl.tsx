import type { FormField } from '../form/form-model';
import { celCompletions } from '../lib/cel-completion';
import { fieldSuggestions } from '../store/schema-selectors';
import { AutocompleteInput } from './AutocompleteInput';
import { FIELD_PARAMS, inputId, type FormContext } from './form-context';
import { NumberInput } from './NumberInput';

type Leaf = Exclude<FormField, { control: 'object' | 'array' }>;

const placeholderOf = (f: FormField) => (f.default !== undefined ? `default ${typeof f.default === 'string' ? f.default : JSON.stringify(f.default)}` : '');

/** The input for one leaf param: text, CEL (monospace), number, checkbox, select or raw JSON. */
export function FieldControl({ field, ctx }: { field: Leaf; ctx: FormContext }) {
  const id = inputId(ctx, field.key);
  const testId = `param-${field.key}`;
  const set = (v: unknown) => ctx.onChange(field.path, v);
  const invalid = ctx.errors.has(field.key) || undefined;
  switch (field.control) {
    case 'number':
      return <NumberInput field={field} id={id} onChange={set} />;
    case 'boolean':
      return <input id={id} type="checkbox" checked={field.value === true} data-testid={testId} onChange={(e) => set(e.target.checked)} />;
    case 'enum':
      return (
        <select id={id} value={field.value === undefined ? '' : String(field.value)} aria-invalid={invalid} data-testid={testId} onChange={(e) => set(e.target.value === '' ? undefined : e.target.value)}>
          {(!field.required || field.value === undefined) && <option value="">{field.default !== undefined ? `(default ${String(field.default)})` : '—'}</option>}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'json':
      return (
        <input
          id={id}
          className="mono"
          value={field.value === undefined ? '' : JSON.stringify(field.value)}
          data-testid={testId}
          onChange={(e) => {
            try {
              set(e.target.value === '' ? undefined : JSON.parse(e.target.value));
            } catch {
              /* keep the last valid value until the text parses */
            }
          }}
        />
      );
    case 'text': {
      const cel = field.format === 'cel';
      const picker = FIELD_PARAMS.has(field.name);
      const common = {
        id,
        type: 'text',
        className: cel || field.format === 'duration' ? 'mono' : undefined,
        spellCheck: false,
        autoComplete: 'off',
        placeholder: placeholderOf(field),
        'aria-invalid': invalid,
        'data-testid': testId,
      } as const;
      const value = field.value === undefined ? '' : String(field.value);
      const onText = (text: string) => set(text === '' && !field.required ? undefined : text);
      if (!cel && !picker) return <input {...common} value={value} onChange={(e) => onText(e.target.value)} />;
      // A field-name param picks from the input fields; a CEL param completes fields and functions.
      const source = cel
        ? (text: string, caret: number, force: boolean) => celCompletions(text, caret, ctx.inputFields, force || (picker && text === ''))
        : (text: string) => ({ from: 0, to: text.length, items: fieldSuggestions(ctx.inputFields, text).map((f) => ({ label: f.name, insert: f.name, detail: f.type, kind: 'field' as const })) });
      return <AutocompleteInput {...common} value={value} onText={onText} source={source} openOnFocus={picker} />;
    }
  }
}
