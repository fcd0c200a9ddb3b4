import { AlertTriangle, Info, XCircle } from 'lucide-react';
import type { ReactNode } from 'react';
import { describeProblem } from './problem';

/** Shows a failed request (or any error) in words: title, detail, refused fields, what to do. */
export function ProblemAlert({
  error,
  action,
  tone = 'bad',
}: {
  error: unknown;
  action?: ReactNode;
  tone?: 'bad' | 'warn';
}) {
  const problem = describeProblem(error);
  const Icon = tone === 'warn' ? AlertTriangle : XCircle;
  return (
    <div className={tone === 'warn' ? 'alert alert--warn' : 'alert'} role="alert">
      <Icon size={18} aria-hidden="true" />
      <div className="alert__body">
        <p className="alert__title">{problem.title}</p>
        {problem.detail && <p className="alert__detail">{problem.detail}</p>}
        {problem.fields.length > 0 && (
          <ul className="alert__list">
            {problem.fields.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
        {problem.hint && <p className="alert__detail">{problem.hint}</p>}
        {action && <div className="alert__actions">{action}</div>}
      </div>
    </div>
  );
}

export function InfoAlert({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="alert alert--info" role="note">
      <Info size={18} aria-hidden="true" />
      <div className="alert__body">
        <p className="alert__title">{title}</p>
        {children && <div className="alert__detail">{children}</div>}
      </div>
    </div>
  );
}
