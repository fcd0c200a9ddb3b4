import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '../components/FormDialog';
import { ProblemAlert } from '../components/ProblemAlert';
import { useToast } from '../components/Toasts';
import { changePassword } from '../services/session';
import { Field, TextField } from '../components/Field';

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
    <FormDialog
      open={open}
      onClose={close}
      title="Change password"
      description="Your other sessions stay signed in; API tokens keep working."
      submitLabel="Change password"
      pendingLabel="Saving…"
      pending={change.isPending}
      disabled={mismatch}
      onSubmit={() => {
        if (!mismatch) change.mutate();
      }}
    >
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
        required
        autoFocus
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={setNext}
        required
      />
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
    </FormDialog>
  );
}
