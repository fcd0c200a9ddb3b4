import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Activity, GitFork, ShieldCheck } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useSessionQuery } from '../app/session';
import { LogoMark } from '../components/Logo';
import { ProblemAlert } from '../components/ProblemAlert';
import { login, sessionQueryKey } from '../services/session';
import { Field } from '../components/Field';

function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login')
    ? from
    : '/org';
}

export function LoginPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSessionQuery();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const target = returnPath(location.state);
  const signIn = useMutation({
    mutationFn: () => login(email.trim(), password),
    onSuccess: (result) => {
      queryClient.setQueryData(sessionQueryKey, result);
      void navigate(target, { replace: true });
    },
  });

  useEffect(() => {
    document.title = 'Sign in · fluidManager';
  }, []);

  if (session.data) return <Navigate to={target} replace />;

  return (
    <div className="login">
      <section className="login__brand" aria-label="About fluidManager">
        <div className="brand">
          <LogoMark />
          fluidManager
        </div>
        <div className="login__pitch">
          <h2>Run a company whose staff are AI agents.</h2>
          <p>
            Build the org chart, hand out work, approve what matters, and watch every step as it
            happens.
          </p>
          <ul className="login__facts">
            <li>
              <GitFork aria-hidden="true" />
              Agents delegate down the hierarchy and escalate up it.
            </li>
            <li>
              <Activity aria-hidden="true" />
              Every task, tool call and model call is traced live, with its cost.
            </li>
            <li>
              <ShieldCheck aria-hidden="true" />
              Policies decide who may assign what to whom, and you approve the rest.
            </li>
          </ul>
        </div>
        <p className="login__foot">Your company&apos;s data stays in your own PostgreSQL.</p>
      </section>
      <main className="login__panel">
        <form
          className="login__form"
          aria-labelledby="login-title"
          onSubmit={(event) => {
            event.preventDefault();
            signIn.mutate();
          }}
        >
          <header>
            <h1 id="login-title">Sign in</h1>
            <p>Welcome back. Sign in to your company.</p>
          </header>
          {signIn.isError && <ProblemAlert error={signIn.error} />}
          <Field label="E-mail">
            <input
              className="input input--large"
              type="email"
              name="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              placeholder="you@company.com"
              required
              autoFocus
            />
          </Field>
          <Field label="Password">
            <input
              className="input input--large"
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
          </Field>
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={signIn.isPending}
          >
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
