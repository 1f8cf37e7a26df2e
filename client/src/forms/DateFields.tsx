import { type InputHTMLAttributes, useEffect, useId, useState } from 'react';

/**
 * Date and time fields written and read the en-GB way (21/11/2026, 18:30, 24-hour clock)
 * whatever the browser's language: the native date inputs follow the browser's locale
 * (a default Chromium shows 11/21/2026, 06:30 PM) while the rest of the dashboard writes
 * en-GB. Plain text fields, checked as typed; the value only changes when the text is a
 * real date.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-21" (the ISO calendar date the state keeps) → "21/11/2026". */
export function britishDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return y && m && d ? `${d}/${m}/${y}` : '';
}

/** "21/11/2026" (also 21-11-2026, 21.11.2026, 1/2/2026) → "2026-11-21"; null when it is no date. */
export function parseBritishDate(text: string): string | null {
  const match = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!match) return null;
  const [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(y, m - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A local time in milliseconds → "21/11/2026 18:30". */
export function britishDateTime(ms: number): string {
  const t = new Date(ms);
  return `${pad(t.getDate())}/${pad(t.getMonth() + 1)}/${t.getFullYear()} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** "21/11/2026 18:30" (local time) → milliseconds; null when it is no date and time. */
export function parseBritishDateTime(text: string): number | null {
  const match = /^\s*(\S+)\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!match) return null;
  const date = parseBritishDate(match[1]!);
  const [h, min] = [Number(match[2]), Number(match[3])];
  if (!date || h > 23 || min > 59) return null;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!, h, min).getTime();
}

type TextProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'>;

function useTextOf<T>(value: T, format: (v: T) => string) {
  const [text, setText] = useState(() => format(value));
  const formatted = format(value);
  // A new value from outside (a reset, a link) replaces what is typed.
  useEffect(() => setText(formatted), [formatted]);
  return [text, setText] as const;
}

/** A calendar date, dd/mm/yyyy; `value` and `onChange` in ISO (yyyy-mm-dd). */
export function DateField({
  value,
  onChange,
  label,
  ...rest
}: TextProps & { value: string; onChange: (iso: string) => void; label: string }) {
  const id = useId();
  const [text, setText] = useTextOf(value, britishDate);
  const invalid = parseBritishDate(text) === null;
  return (
    <span className="date-field">
      <label htmlFor={id}>{label}</label>
      <input
        {...rest}
        id={id}
        type="text"
        inputMode="numeric"
        placeholder="dd/mm/yyyy"
        size={10}
        value={text}
        aria-invalid={invalid || undefined}
        title="Day/month/year, e.g. 21/11/2026"
        onChange={(e) => {
          setText(e.target.value);
          const iso = parseBritishDate(e.target.value);
          if (iso) onChange(iso);
        }}
      />
    </span>
  );
}

/** A local date and time, dd/mm/yyyy hh:mm (24-hour); `value` and `onChange` in milliseconds. */
export function DateTimeField({
  value,
  onChange,
  label,
  ...rest
}: TextProps & { value: number; onChange: (ms: number) => void; label: string }) {
  const id = useId();
  const [text, setText] = useTextOf(value, britishDateTime);
  const invalid = parseBritishDateTime(text) === null;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        {...rest}
        id={id}
        type="text"
        placeholder="dd/mm/yyyy hh:mm"
        size={16}
        value={text}
        aria-invalid={invalid || undefined}
        title="Day/month/year and 24-hour time, e.g. 21/11/2026 18:30"
        onChange={(e) => {
          setText(e.target.value);
          const ms = parseBritishDateTime(e.target.value);
          if (ms !== null) onChange(ms);
        }}
      />
    </>
  );
}
