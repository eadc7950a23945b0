import { useId, useRef, type InputHTMLAttributes } from 'react';
import { useAutocomplete, type CompletionSource } from '../hooks/useAutocomplete';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  value: string;
  onText(text: string): void;
  source: CompletionSource;
  /** A field picker opens on focus; an expression input opens while typing. */
  openOnFocus?: boolean;
};

/** A text input with a suggestion list under it (an ARIA combobox). */
export function AutocompleteInput({ value, onText, source, openOnFocus = false, ...rest }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const ac = useAutocomplete({ input, source, onText, openOnFocus });
  const items = ac.result?.items ?? [];
  const open = items.length > 0;
  return (
    <div className="autocomplete">
      <input
        {...rest}
        ref={input}
        value={value}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        {...(open ? { 'aria-activedescendant': `${listId}-${ac.active}` } : {})}
        onChange={ac.onChange}
        onKeyDown={ac.onKeyDown}
        onFocus={ac.onFocus}
        onBlur={ac.close}
      />
      {open && (
        <ul className="autocomplete__list" id={listId} role="listbox" data-testid="autocomplete-list">
          {items.map((c, i) => (
            <li
              key={`${c.kind}:${c.label}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === ac.active}
              className={`autocomplete__item kind-${c.kind}${i === ac.active ? ' is-active' : ''}`}
              data-testid="autocomplete-option"
              onMouseDown={(e) => e.preventDefault()} // keep the focus in the input
              onMouseEnter={() => ac.setActive(i)}
              onClick={() => ac.accept(c)}
            >
              <span className="autocomplete__icon" aria-hidden>
                {c.kind === 'field' ? 'f' : 'ƒ'}
              </span>
              <span className="autocomplete__label">{c.label}</span>
              <span className="autocomplete__detail">{c.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
