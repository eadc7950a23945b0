import { useLayoutEffect, useRef, useState, type ChangeEvent, type KeyboardEvent, type RefObject } from 'react';
import { applyCompletion, type Completion, type CompletionResult } from '../lib/cel-completion';

/** Computes suggestions for the text and caret; `force` is an explicit request (Ctrl+Space, focus). */
export type CompletionSource = (text: string, caret: number, force: boolean) => CompletionResult;

export interface Autocomplete {
  result: CompletionResult | undefined;
  active: number;
  setActive(i: number): void;
  accept(c: Completion): void;
  onChange(e: ChangeEvent<HTMLInputElement>): void;
  onKeyDown(e: KeyboardEvent<HTMLInputElement>): void;
  onFocus(): void;
  close(): void;
}

/**
 * The state of a suggestion dropdown under a text input: recomputed while typing, ↑/↓ to move,
 * Enter or Tab to accept, Escape to close, Ctrl+Space to open. Accepting replaces the word at
 * the caret and puts the caret after the inserted text.
 */
export function useAutocomplete(opts: { input: RefObject<HTMLInputElement | null>; source: CompletionSource; onText(text: string): void; openOnFocus?: boolean }): Autocomplete {
  const [result, setResult] = useState<CompletionResult>();
  const [active, setActive] = useState(0);
  const caretAfter = useRef<number | undefined>(undefined);

  useLayoutEffect(() => {
    if (caretAfter.current === undefined || !opts.input.current) return;
    opts.input.current.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = undefined;
  });

  const show = (text: string, caret: number, force: boolean) => {
    const r = opts.source(text, caret, force);
    setResult(r.items.length > 0 ? r : undefined);
    setActive(0);
  };
  const close = () => setResult(undefined);
  const accept = (c: Completion) => {
    const el = opts.input.current;
    if (!el || !result) return;
    const next = applyCompletion(el.value, result, c);
    caretAfter.current = next.caret;
    opts.onText(next.text);
    close();
  };

  return {
    result,
    active,
    setActive,
    accept,
    close,
    onChange(e) {
      opts.onText(e.target.value);
      show(e.target.value, e.target.selectionStart ?? e.target.value.length, false);
    },
    onFocus() {
      const el = opts.input.current;
      if (opts.openOnFocus && el) show(el.value, el.value.length, true);
    },
    onKeyDown(e) {
      const el = e.currentTarget;
      if (e.key === ' ' && e.ctrlKey) {
        e.preventDefault();
        show(el.value, el.selectionStart ?? el.value.length, true);
        return;
      }
      if (!result) {
        if (e.key === 'ArrowDown' && opts.openOnFocus) show(el.value, el.value.length, true);
        return;
      }
      const n = result.items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        accept(result.items[Math.min(active, n - 1)]!);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    },
  };
}
