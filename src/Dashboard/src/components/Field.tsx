import type { ReactNode } from 'react';

/** A labelled form control: the label names the control inside it, for people and for screen readers. */
export function Field({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      {children}
    </label>
  );
}
