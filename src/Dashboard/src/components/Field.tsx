import type { ComponentProps, ReactNode } from 'react';

/**
 * A labelled form control: the label names the control inside it, for people and for screen readers.
 * `errors` are the Api's words about this field (see `fieldErrors`), shown under the control.
 */
export function Field({
  label,
  children,
  errors,
}: {
  label: ReactNode;
  children: ReactNode;
  errors?: readonly string[];
}) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      {children}
      {errors?.map((message) => (
        <span key={message} className="field__error" data-testid="field-error">
          {message}
        </span>
      ))}
    </label>
  );
}

/** A labelled text input that hands each edit on as a string; other props go to the <input>. */
export function TextField({
  label,
  value,
  onChange,
  className,
  errors,
  ...input
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  errors?: readonly string[];
} & Omit<ComponentProps<'input'>, 'value' | 'onChange' | 'children'>) {
  return (
    <Field label={label} errors={errors}>
      <input
        {...input}
        aria-invalid={errors && errors.length > 0 ? true : undefined}
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
  errors,
  ...textarea
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  errors?: readonly string[];
} & Omit<ComponentProps<'textarea'>, 'value' | 'onChange' | 'children' | 'className'>) {
  return (
    <Field label={label} errors={errors}>
      <textarea
        {...textarea}
        aria-invalid={errors && errors.length > 0 ? true : undefined}
        className="input textarea"
        rows={rows}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
