import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../components/Dialog';
import { ProblemAlert } from '../components/ProblemAlert';
import { useToast } from '../components/Toasts';
import { changePassword } from '../services/session';
import { Field } from '../components/Field';

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const mismatch = confirm !== '' && confirm !== next;
  const change = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      toast({
        tone: 'ok',
        title: 'Password changed',
        detail: 'Use the new one next time you sign in.',
      });
      close();
    },
  });

  function close() {
    setCurrent('');
    setNext('');
    setConfirm('');
    change.reset();
    onClose();
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Change password"
      description="Your other sessions stay signed in; API tokens keep working."
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            form="change-password"
            className="button button--primary"
            disabled={change.isPending || mismatch}
          >
            {change.isPending ? 'Saving…' : 'Change password'}
          </button>
        </>
      }
    >
      <form
        id="change-password"
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!mismatch) change.mutate();
        }}
      >
        <Field label="Current password">
          <input
            className="input"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
            required
            autoFocus
          />
        </Field>
        <Field label="New password">
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(event) => setNext(event.target.value)}
            required
          />
        </Field>
        <Field label="Repeat the new password">
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            value={confirm}
            aria-invalid={mismatch}
            onChange={(event) => setConfirm(event.target.value)}
            required
          />
          {mismatch && <span className="field__error">The two new passwords differ.</span>}
        </Field>
        {change.isError && <ProblemAlert error={change.error} />}
      </form>
    </Dialog>
  );
}
