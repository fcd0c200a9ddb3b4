import type { ComponentProps, ReactNode } from 'react';

/** A labelled form control: the label names the control inside it, for people and for screen readers. */
export function Field({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      {children}
    </label>
  );
}

/** A labelled text input that hands each edit on as a string; other props go to the <input>. */
export function TextField({
  label,
  value,
  onChange,
  className,
  ...input
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
} & Omit<ComponentProps<'input'>, 'value' | 'onChange' | 'children'>) {
  return (
    <Field label={label}>
      <input
        {...input}
        className={className ? `input ${className}` : 'input'}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}

/** A labelled multi-line text box that hands each edit on as a string; other props go to the <textarea>. */
export function TextAreaField({
  label,
  value,
  onChange,
  rows = 2,
  ...textarea
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
} & Omit<ComponentProps<'textarea'>, 'value' | 'onChange' | 'children' | 'className'>) {
  return (
    <Field label={label}>
      <textarea
        {...textarea}
        className="input textarea"
        rows={rows}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
