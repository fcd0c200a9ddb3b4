import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound, Trash2, UserPlus, Users } from 'lucide-react';
import { useState } from 'react';
import { isAdmin, useSession } from '../../app/session';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { Field, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { InfoAlert, ProblemAlert } from '../../components/ProblemAlert';
import { fieldErrors } from '../../components/problem';
import { useToast } from '../../components/Toasts';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import {
  addMember,
  fetchMembers,
  memberRoles,
  removeMember,
  updateMember,
  userKeys,
  type AddedMember,
  type Member,
  type MemberRole,
} from '../../services/users';

const ONLY_ADMINS = 'Only a CEO or an admin manages the members.';

/** The people of the company and their roles: add, change a role, reset a password, remove. */
export function MembersPage() {
  usePageTitle('Members');
  const session = useSession();
  const reason = isAdmin(session) ? undefined : ONLY_ADMINS;
  const [adding, setAdding] = useState(false);
  const members = useQuery({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => fetchMembers(signal),
    enabled: reason === undefined,
  });
  return (
    <div className="page">
      <PageHeader
        title="Members"
        description="The people who sign in to this company, and what each may do: the CEO commands, an admin manages settings and members, a viewer watches."
        actions={
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--primary"
              disabled={reason !== undefined}
              onClick={() => setAdding(true)}
            >
              <UserPlus size={16} /> Add member
            </button>
          </Tooltip>
        }
      />
      {reason && (
        <InfoAlert title={reason}>You see this page; its controls are disabled.</InfoAlert>
      )}
      <section className="card" aria-label="Members">
        {members.isLoading && <SkeletonRows rows={3} columns={4} />}
        {members.isError && (
          <div className="card__body">
            <ProblemAlert error={members.error} />
          </div>
        )}
        {members.data?.length === 0 && (
          <EmptyState icon={<Users size={22} />} title="No members">
            Add the people who run this company with you.
          </EmptyState>
        )}
        {members.data && members.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label="Members">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col" className="actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {members.data.map((m) => (
                  <MemberRow key={m.id} member={m} self={m.id === session.user.id} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <AddMemberDialog open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}

function MemberRow({ member, self }: { member: Member; self: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const [resetting, setResetting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: userKeys.all });
  const role = useMutation({
    mutationFn: (next: string) => updateMember(member.id, { role: next }),
    onSuccess: () => toast({ tone: 'ok', title: 'Role changed', detail: member.email }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: () => removeMember(member.id),
    onSuccess: () => {
      setConfirm(false);
      toast({ tone: 'ok', title: 'Member removed', detail: member.email });
    },
    onSettled: refresh,
  });
  return (
    <tr>
      <td className="cell-title">
        {member.displayName}
        {self && <span className="muted small"> (you)</span>}
        {member.disabled && <span className="badge badge--warn">Disabled</span>}
      </td>
      <td>{member.email}</td>
      <td>
        <select
          className="select select--inline"
          aria-label={`Role of ${member.email}`}
          value={member.role}
          disabled={role.isPending}
          onChange={(e) => role.mutate(e.target.value)}
        >
          {(Object.keys(memberRoles) as MemberRole[]).map((r) => (
            <option key={r} value={r}>
              {memberRoles[r]}
            </option>
          ))}
        </select>
        {role.isError && <ProblemAlert error={role.error} />}
      </td>
      <td className="actions">
        <div className="row">
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => setResetting(true)}
            aria-label={`Reset the password of ${member.email}`}
          >
            <KeyRound size={14} />
          </button>
          <button
            type="button"
            className="button button--ghost button--small danger-text"
            onClick={() => setConfirm(true)}
            aria-label={`Remove ${member.email}`}
          >
            <Trash2 size={14} />
          </button>
        </div>
        <Dialog
          open={confirm}
          onClose={() => {
            setConfirm(false);
            remove.reset();
          }}
          title={`Remove ${member.displayName}?`}
          description="They can no longer sign in to this company. Their account and other companies stay."
          footer={
            <>
              <button type="button" className="button" onClick={() => setConfirm(false)}>
                Keep
              </button>
              <button
                type="button"
                className="button button--danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate()}
              >
                <Trash2 size={15} /> Remove member
              </button>
            </>
          }
        >
          {remove.isError && <ProblemAlert error={remove.error} />}
        </Dialog>
        <ResetPasswordDialog member={member} open={resetting} onClose={() => setResetting(false)} />
      </td>
    </tr>
  );
}

function ResetPasswordDialog({
  member,
  open,
  onClose,
}: {
  member: Member;
  open: boolean;
  onClose: () => void;
}) {
  const toast = useToast();
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () => updateMember(member.id, { password }),
    onSuccess: () => {
      toast({ tone: 'ok', title: 'Password reset', detail: member.email });
      close();
    },
  });
  function close() {
    setPassword('');
    reset.reset();
    onClose();
  }
  return (
    <FormDialog
      open={open}
      onClose={close}
      title={`New password for ${member.displayName}`}
      description="Tell them the new password yourself; it is stored only as a hash."
      submitLabel="Reset password"
      pending={reset.isPending}
      onSubmit={() => reset.mutate()}
    >
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        errors={fieldErrors(reset.error, 'password')}
        autoFocus
      />
      {reset.isError && <ProblemAlert error={reset.error} />}
    </FormDialog>
  );
}

function AddMemberDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<MemberRole>('viewer');
  const [password, setPassword] = useState('');
  const [added, setAdded] = useState<AddedMember | null>(null);
  const add = useMutation({
    mutationFn: () =>
      addMember({
        email: email.trim(),
        displayName: displayName.trim() || null,
        password: password === '' ? null : password,
        role,
      }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: userKeys.all });
      setAdded(result);
    },
  });
  function close() {
    setEmail('');
    setDisplayName('');
    setPassword('');
    setRole('viewer');
    setAdded(null);
    add.reset();
    onClose();
  }
  if (added) {
    return (
      <Dialog
        open={open}
        onClose={close}
        title={`${added.member.displayName} was added`}
        description={
          added.existingAccount
            ? 'They sign in with the password they already have.'
            : added.initialPassword
              ? 'Their password is shown this once: hand it to them.'
              : 'They sign in with the password you chose.'
        }
        footer={
          <button type="button" className="button button--primary" onClick={close}>
            Done
          </button>
        }
      >
        {added.initialPassword && (
          <div className="row">
            <code className="mono" data-testid="initial-password">
              {added.initialPassword}
            </code>
            <CopyButton text={added.initialPassword} label="Copy password" />
          </div>
        )}
      </Dialog>
    );
  }
  return (
    <FormDialog
      open={open}
      onClose={close}
      title="Add a member"
      description="A new account, or an existing one by its e-mail. Leave the password empty to have one made."
      submitLabel="Add member"
      pendingLabel="Adding…"
      pending={add.isPending}
      onSubmit={() => add.mutate()}
    >
      <div className="form-grid">
        <TextField
          label="E-mail"
          inputMode="email"
          autoComplete="off"
          value={email}
          onChange={setEmail}
          errors={fieldErrors(add.error, 'email')}
          autoFocus
        />
        <TextField
          label="Name"
          value={displayName}
          onChange={setDisplayName}
          errors={fieldErrors(add.error, 'displayName')}
        />
        <Field label="Role" errors={fieldErrors(add.error, 'role')}>
          <select
            className="select"
            value={role}
            onChange={(e) => setRole(e.target.value as MemberRole)}
          >
            {(Object.keys(memberRoles) as MemberRole[]).map((r) => (
              <option key={r} value={r}>
                {memberRoles[r]}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          label="Password (optional)"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          errors={fieldErrors(add.error, 'password')}
        />
      </div>
      {add.isError && <ProblemAlert error={add.error} />}
    </FormDialog>
  );
}
