import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, KeyRound, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useSession } from '../app/session';
import { CopyButton } from '../components/CopyButton';
import { Dialog } from '../components/Dialog';
import { EmptyState } from '../components/EmptyState';
import { SkeletonRows } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, RelativeTime } from '../components/RelativeTime';
import { useToast } from '../components/Toasts';
import { usePageTitle } from '../hooks/usePageTitle';
import { ApiError } from '../services/http';
import { useNow } from '../hooks/useNow';
import {
  createToken,
  fetchTokens,
  revokeToken,
  tokensQueryKey,
  tokenState,
  type ApiToken,
  type CreatedToken,
  type TokenState,
} from '../services/tokens';

const lifetimes = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 7, label: '7 days' },
  { days: 0, label: 'Never expires' },
] as const;

const stateBadge: Record<TokenState, { label: string; className: string }> = {
  active: { label: 'Active', className: 'badge badge--ok' },
  expired: { label: 'Expired', className: 'badge badge--warn' },
  revoked: { label: 'Revoked', className: 'badge' },
};

function expiryFor(days: number): string | null {
  return days === 0 ? null : new Date(Date.now() + days * 86_400_000).toISOString();
}

function byRelevance(now: Date) {
  return (a: ApiToken, b: ApiToken) => {
    const rank = (t: ApiToken) => (tokenState(t, now) === 'active' ? 0 : 1);
    return rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt);
  };
}

export function TokensPage() {
  usePageTitle('API tokens');
  const session = useSession();
  const tokens = useQuery({
    queryKey: tokensQueryKey,
    queryFn: ({ signal }) => fetchTokens(signal),
  });
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="API tokens"
        description={
          <>
            A token acts as you in {session.company.name}, with your role. Scripts and CI send it as{' '}
            <code>Authorization: Bearer fm_…</code>. Each secret is shown once, when it is created.
          </>
        }
      />
      <CreateTokenCard onCreated={setCreated} />
      <section className="card" aria-labelledby="tokens-title">
        <div className="card__header">
          <h2 id="tokens-title">Your tokens</h2>
          {tokens.data && (
            <span className="muted small">
              {tokens.data.filter((t) => tokenState(t, new Date()) === 'active').length} active
            </span>
          )}
        </div>
        {tokens.isPending && <SkeletonRows rows={3} columns={5} />}
        {tokens.isError && (
          <div className="card__body">
            <ProblemAlert
              error={tokens.error}
              action={
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => void tokens.refetch()}
                >
                  Try again
                </button>
              }
            />
          </div>
        )}
        {tokens.data && tokens.data.length === 0 && (
          <EmptyState icon={<KeyRound size={22} />} title="No tokens yet">
            Create a token to drive {session.company.name} from a script, the command line or a CI
            pipeline.
          </EmptyState>
        )}
        {tokens.data && tokens.data.length > 0 && (
          <TokenTable tokens={tokens.data} onRevoke={setRevoking} />
        )}
      </section>
      <ShowOnceDialog token={created} onClose={() => setCreated(null)} />
      <RevokeDialog token={revoking} onClose={() => setRevoking(null)} />
    </div>
  );
}

function CreateTokenCard({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number>(lifetimes[0].days);
  const create = useMutation({
    mutationFn: () => createToken(name.trim(), expiryFor(days)),
    onSuccess: (token) => {
      setName('');
      onCreated(token);
      void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
  });

  return (
    <section className="card card--padded" aria-labelledby="create-token-title">
      <h2 id="create-token-title" className="section-title">
        Create a token
      </h2>
      <form
        className="row"
        style={{ flexWrap: 'wrap', alignItems: 'flex-end', gap: 12 }}
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <label className="field" style={{ flex: '2 1 260px' }}>
          <span className="field__label">Name</span>
          <input
            className="input"
            name="token-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="What will use it? e.g. nightly-report"
            required
            aria-invalid={create.error instanceof ApiError && 'name' in create.error.errors}
          />
        </label>
        <label className="field" style={{ flex: '1 1 160px' }}>
          <span className="field__label">Expires</span>
          <select
            className="select"
            name="token-expiry"
            value={days}
            onChange={(event) => setDays(Number(event.target.value))}
          >
            {lifetimes.map((lifetime) => (
              <option key={lifetime.days} value={lifetime.days}>
                {lifetime.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          <Plus size={16} />
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      {create.isError && <ProblemAlert error={create.error} />}
    </section>
  );
}

function TokenTable({
  tokens,
  onRevoke,
}: {
  tokens: ApiToken[];
  onRevoke: (token: ApiToken) => void;
}) {
  const now = useNow(30_000);
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">
              Created
            </th>
            <th scope="col">Last used</th>
            <th scope="col" className="hide-narrow">
              Expires
            </th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...tokens].sort(byRelevance(now)).map((token) => {
            const state = tokenState(token, now);
            const badge = stateBadge[state];
            return (
              <tr
                key={token.id}
                className={state === 'active' ? undefined : 'row--muted'}
                data-token={token.name}
              >
                <td>
                  <div className="cell-title">{token.name}</div>
                  <div className="cell-sub mono">
                    {token.prefix.startsWith('fm_') ? token.prefix : `fm_${token.prefix}`}…
                  </div>
                </td>
                <td>
                  <span className={badge.className}>{badge.label}</span>
                </td>
                <td className="hide-narrow nowrap">
                  <RelativeTime value={token.createdAt} intervalMs={30_000} />
                </td>
                <td className="nowrap">
                  {token.lastUsedAt ? (
                    <RelativeTime value={token.lastUsedAt} intervalMs={30_000} />
                  ) : (
                    <span className="muted">Never</span>
                  )}
                </td>
                <td className="hide-narrow nowrap">
                  {token.revokedAt ? (
                    <span className="muted">Revoked {formatDateTime(token.revokedAt)}</span>
                  ) : token.expiresAt ? (
                    formatDateTime(token.expiresAt)
                  ) : (
                    <span className="muted">Never</span>
                  )}
                </td>
                <td className="actions">
                  {state !== 'revoked' && (
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      onClick={() => onRevoke(token)}
                      aria-label={`Revoke ${token.name}`}
                    >
                      <Trash2 size={14} />
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ShowOnceDialog({ token, onClose }: { token: CreatedToken | null; onClose: () => void }) {
  return (
    <Dialog
      open={token !== null}
      onClose={onClose}
      title="Copy your new token"
      description={token ? `“${token.name}” is ready. Store it somewhere safe now.` : undefined}
      footer={
        <button type="button" className="button button--primary" onClick={onClose}>
          I have stored it
        </button>
      }
    >
      {token && (
        <>
          <div className="secret">
            <code data-testid="new-token">{token.token}</code>
            <CopyButton text={token.token} />
          </div>
          <div className="alert alert--warn" role="note">
            <AlertTriangle size={18} aria-hidden="true" />
            <div className="alert__body">
              <p className="alert__title">This is the only time the secret is shown.</p>
              <p className="alert__detail">
                fluidManager keeps only a hash of it. If you lose it, revoke it and create another.
              </p>
            </div>
          </div>
        </>
      )}
    </Dialog>
  );
}

function RevokeDialog({ token, onClose }: { token: ApiToken | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const revoke = useMutation({
    mutationFn: (target: ApiToken) => revokeToken(target.id),
    // Shown revoked at once; put back as it was if the Api refuses.
    onMutate: async (target) => {
      await queryClient.cancelQueries({ queryKey: tokensQueryKey });
      const previous = queryClient.getQueryData<ApiToken[]>(tokensQueryKey);
      queryClient.setQueryData<ApiToken[]>(tokensQueryKey, (list) =>
        list?.map((t) => (t.id === target.id ? { ...t, revokedAt: new Date().toISOString() } : t)),
      );
      onClose();
      return { previous };
    },
    onError: (error, target, context) => {
      if (context?.previous) queryClient.setQueryData(tokensQueryKey, context.previous);
      toast({
        tone: 'bad',
        title: `“${target.name}” was not revoked`,
        detail: error instanceof Error ? error.message : String(error),
      });
    },
    onSuccess: (_, target) =>
      toast({ tone: 'ok', title: `“${target.name}” revoked`, detail: 'It no longer works.' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
  });

  return (
    <Dialog
      open={token !== null}
      onClose={onClose}
      title={token ? `Revoke “${token.name}”?` : 'Revoke token'}
      description="Anything that uses it stops working at once. This cannot be undone."
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => token && revoke.mutate(token)}
          >
            <Trash2 size={15} />
            Revoke token
          </button>
        </>
      }
    />
  );
}
