/** Shared pieces: labelled fields that show their own error, notices, formatting. */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from './api';

/** Words from a code: `awaiting_discovery` → "awaiting discovery". */
export const words = (code: string | null | undefined) => (code ? code.replace(/_/g, ' ') : '—');

export const fmtTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

/** "in 3h 12m" / "12m overdue" from now to a due time. */
export function countdown(dueIso: string | null | undefined, now: number): { text: string; overdue: boolean } {
  if (!dueIso) return { text: '—', overdue: false };
  const ms = new Date(dueIso).getTime() - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const span = h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  return ms >= 0 ? { text: `in ${span}`, overdue: false } : { text: `${span} overdue`, overdue: true };
}

/** A clock that ticks, for countdowns. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

/** What to tell a person about a failed call: the server's detail (it says why), else the title. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? error.problem.title;
  return error instanceof Error ? error.message : String(error);
}

export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A label, the control, and the field's error right under it (announced, and tied to the control). */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {children({ id, 'aria-invalid': Boolean(error), ...(described ? { 'aria-describedby': described } : {}) })}
      {error && (
        <p className="field-error" id={`${id}-error`} data-field-error>
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField(props: { label: string; value: string; onChange: (v: string) => void; error?: string | undefined; hint?: string; type?: string; multiline?: boolean; name?: string; required?: boolean; autoComplete?: string }) {
  const { label, value, onChange, error, hint, type = 'text', multiline, name, required, autoComplete } = props;
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(a) =>
        multiline ? (
          <textarea {...a} name={name} value={value} required={required} rows={3} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input {...a} name={name} type={type} value={value} required={required} autoComplete={autoComplete} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </Field>
  );
}

export function SelectField(props: { label: string; value: string; onChange: (v: string) => void; options: readonly string[]; error?: string | undefined; name?: string; blank?: string }) {
  const { label, value, onChange, options, error, name, blank } = props;
  return (
    <Field label={label} error={error}>
      {(a) => (
        <select {...a} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          {blank !== undefined && <option value="">{blank}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {words(o)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Reasons({ reasons }: { reasons: Array<{ code: string; rule: string; evidence?: string | undefined; weight?: number | undefined }> | undefined }) {
  if (!reasons || reasons.length === 0) return <p className="muted">No reasons recorded.</p>;
  return (
    <ul className="reasons">
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`}>
          <strong>{words(r.code)}</strong>
          {r.weight !== undefined && <span className="badge">{r.weight > 0 ? `+${r.weight}` : r.weight}</span>}
          {r.evidence && <span className="muted"> — {r.evidence}</span>}
          <span className="rule"> ({r.rule})</span>
        </li>
      ))}
    </ul>
  );
}

export interface Column<T> {
  /** The column's header, and the label each of its cells shows when a narrow screen folds the table into cards. */
  label: string;
  /** Named for screen readers only (an actions column): no visible header, no card label. */
  labelHidden?: boolean;
  cell: (row: T) => ReactNode;
  cellClass?: (row: T) => string | undefined;
}

/**
 * The console's tables: each cell labelled from its column's header (the card
 * layout on narrow screens reads `data-label`), so a header and its cells'
 * labels cannot drift apart.
 */
export function DataTable<T>(props: {
  testId: string;
  columns: Array<Column<T>>;
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowAttributes?: (row: T) => Record<`data-${string}`, string>;
  caption?: ReactNode;
  className?: string;
  /** Shown as one full-width row when there are no rows. */
  empty?: ReactNode;
}) {
  const { columns, rows } = props;
  return (
    <div className="table-wrap">
      <table className={props.className} data-testid={props.testId}>
        {props.caption && <caption className="muted">{props.caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.labelHidden ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={props.rowKey(row)} {...props.rowAttributes?.(row)}>
              {columns.map((c) => (
                <td key={c.label} data-label={c.labelHidden ? undefined : c.label} className={c.cellClass?.(row)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && props.empty && (
            <tr>
              <td colSpan={columns.length}>{props.empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A rep as the console names one: name, id, and whether they lead their team. */
export function RepName({ rep }: { rep: { name: string; repId: string; isTeamLead: boolean } }) {
  return (
    <>
      {rep.name} <span className="muted">({rep.repId}{rep.isTeamLead ? ', team lead' : ''})</span>
    </>
  );
}
