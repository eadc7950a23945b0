import type { FormContext } from './form-context';

/** The inline validation message under a field (`param-error-<dotted.path>`). */
export function FieldError({ ctx, fieldKey }: { ctx: FormContext; fieldKey: string }) {
  const messages = ctx.errors.get(fieldKey);
  if (!messages || messages.length === 0) return null;
  return (
    <div className="field-error" role="alert" data-testid={`param-error-${fieldKey}`}>
      {messages.join(' · ')}
    </div>
  );
}
