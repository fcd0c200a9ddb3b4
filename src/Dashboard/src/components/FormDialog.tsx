import { useId, type ReactNode } from 'react';
import { Dialog } from './Dialog';

/**
 * A dialog around one form: Cancel and the submit button sit in the footer, Enter in a field
 * submits, and submitting calls onSubmit instead of loading a page.
 */
export function FormDialog({
  open,
  onClose,
  title,
  description,
  submitLabel,
  pendingLabel,
  submitIcon,
  pending = false,
  disabled = false,
  onSubmit,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  submitLabel: string;
  /** What the submit button says while the request is on its way (else submitLabel). */
  pendingLabel?: string;
  submitIcon?: ReactNode;
  /** The request is on its way: the submit button waits. */
  pending?: boolean;
  /** The form cannot be sent yet, for a reason the form shows. */
  disabled?: boolean;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const formId = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form={formId}
            className="button button--primary"
            disabled={pending || disabled}
          >
            {submitIcon}
            {pending && pendingLabel ? pendingLabel : submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
    </Dialog>
  );
}
