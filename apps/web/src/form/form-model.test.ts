import { paramsJsonSchema } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { buildForm, formKeys, type FormField, type JsonSchema } from './form-model';

const form = (kind: string, params: Record<string, unknown>) => buildForm(paramsJsonSchema(kind) as JsonSchema, params);
const byKey = (fields: FormField[], key: string) => [...walk(fields)].find((f) => f.key === key);
function* walk(fields: FormField[]): Generator<FormField> {
  for (const f of fields) {
    yield f;
    if (f.control === 'object') yield* walk(f.fields);
    if (f.control === 'array') yield* walk(f.rows);
  }
}

describe('form model from JSON Schema', () => {
  it('maps schema types to controls', () => {
    const f = form('source.datagen', { ratePerSec: 10, watermark: { maxOutOfOrderness: '5s' } });
    expect(byKey(f, 'profile')).toMatchObject({ control: 'enum', options: ['clickstream', 'sequence'] });
    expect(byKey(f, 'ratePerSec')).toMatchObject({ control: 'number', integer: false, value: 10 });
    expect(byKey(f, 'seed')).toMatchObject({ control: 'number', integer: true, default: 42 });
    expect(byKey(f, 'timestamp')).toMatchObject({ control: 'text', format: 'cel' });
    expect(byKey(f, 'watermark')).toMatchObject({ control: 'object' });
    expect(byKey(f, 'watermark.maxOutOfOrderness')).toMatchObject({ control: 'text', format: 'duration', value: '5s' });
    expect(byKey(form('map', {}), 'keepInput')).toMatchObject({ control: 'boolean' });
  });

  it('renders arrays of objects as rows with a template for new rows', () => {
    const f = form('window.tumbling', { size: '10s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'price', as: 's' }] });
    const agg = byKey(f, 'aggregate');
    expect(agg).toMatchObject({ control: 'array', minItems: 1, newItem: { fn: 'count', as: '' } });
    expect([...formKeys(f)]).toEqual(
      expect.arrayContaining(['size', 'aggregate', 'aggregate.0', 'aggregate.0.fn', 'aggregate.0.field', 'aggregate.0.as', 'aggregate.1.field']),
    );
    expect(byKey(f, 'aggregate.1.field')).toMatchObject({ required: false, value: 'price' });
    expect(byKey(f, 'aggregate.0.as')).toMatchObject({ required: true, value: 'n' });
  });

  it("offers the onError policy of expression nodes as a choice, dlq by default (T18)", () => {
    const kinds = ['filter', 'map', 'keyBy', 'window.tumbling', 'window.sliding', 'window.session', 'window.global', 'reduce', 'over', 'sink.kafka'];
    for (const kind of [...kinds, 'source.datagen', 'source.file', 'source.nexmark', 'source.kafka']) {
      expect(byKey(form(kind, {}), 'onError'), kind).toMatchObject({ control: 'enum', options: ['dlq', 'skip', 'fail'], default: 'dlq', required: false, description: expect.stringContaining('dead-letter') });
    }
    // A source's policy is about its timestamp (malformed input is always dead-lettered).
    expect(byKey(form('source.kafka', {}), 'onError')).toMatchObject({ description: expect.stringContaining('timestamp') });
    expect(byKey(form('filter', { onError: 'fail' }), 'onError')).toMatchObject({ value: 'fail' });
  });

  it('marks required params', () => {
    expect(byKey(form('filter', {}), 'expr')).toMatchObject({ required: true, format: 'cel' });
    expect(byKey(form('source.file', { path: 'x' }), 'ratePerSec')).toMatchObject({ required: false });
  });
});
