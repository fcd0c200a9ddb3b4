import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Building2, ChevronsUpDown, Plus } from 'lucide-react';
import { useState } from 'react';
import { Avatar } from '../components/Avatar';
import { FormDialog } from '../components/FormDialog';
import { Menu, MenuItem } from '../components/Menu';
import { ProblemAlert } from '../components/ProblemAlert';
import { useToast } from '../components/Toasts';
import {
  createCompany,
  roleLabel,
  sessionQueryKey,
  switchCompany,
  type Session,
} from '../services/session';
import { useSession } from './session';
import { TextField } from '../components/Field';

function useSwitchCompany() {
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (companyId: number) => switchCompany(companyId),
    onSuccess: (session: Session) => {
      // Everything cached belongs to the company we leave.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, session);
      toast({ tone: 'ok', title: `Switched to ${session.company.name}` });
    },
    onError: (error) =>
      toast({ tone: 'bad', title: 'Could not switch company', detail: String(error) }),
  });
}

export function CompanySwitcher() {
  const session = useSession();
  const switcher = useSwitchCompany();
  const [creating, setCreating] = useState(false);

  return (
    <>
      <Menu
        label="Companies"
        trigger={(props) => (
          <button
            type="button"
            className="switcher"
            {...props}
            aria-label={`Company: ${session.company.name}. Switch company`}
          >
            <Avatar name={session.company.name} size={30} square />
            <span className="switcher__text">
              <span className="switcher__name">{session.company.name}</span>
              <span className="switcher__sub">{roleLabel(session.role)}</span>
            </span>
            <ChevronsUpDown size={16} aria-hidden="true" />
          </button>
        )}
      >
        {(close) => (
          <>
            <div className="menu__label">Your companies</div>
            {session.companies.map((company) => (
              <MenuItem
                key={company.id}
                checked={company.id === session.company.id}
                icon={<Avatar name={company.name} size={22} square />}
                onSelect={() => {
                  close();
                  if (company.id !== session.company.id) switcher.mutate(company.id);
                }}
              >
                {company.name} <span className="muted small">· {roleLabel(company.role)}</span>
              </MenuItem>
            ))}
            <div className="menu__sep" />
            <MenuItem
              icon={<Plus size={16} />}
              onSelect={() => {
                close();
                setCreating(true);
              }}
            >
              Create a company…
            </MenuItem>
          </>
        )}
      </Menu>
      <CreateCompanyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(companyId) => {
          setCreating(false);
          switcher.mutate(companyId);
        }}
      />
    </>
  );
}

function CreateCompanyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (companyId: number) => void;
}) {
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => createCompany(name.trim(), null),
    onSuccess: (company) => {
      setName('');
      onCreated(company.id);
    },
  });
  return (
    <FormDialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title="Create a company"
      description="You will be its CEO. Hire agents and build its org chart once you are in."
      submitIcon={<Building2 size={15} />}
      submitLabel="Create and switch"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        placeholder="Globex"
        autoFocus
        required
      />
      {create.isError && <ProblemAlert error={create.error} />}
    </FormDialog>
  );
}
