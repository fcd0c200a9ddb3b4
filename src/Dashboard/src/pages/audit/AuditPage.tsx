import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Download, FileSearch } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { Field, TextField } from '../../components/Field';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { fieldErrors } from '../../components/problem';
import { RelativeTime } from '../../components/RelativeTime';
import { usePageTitle } from '../../hooks/usePageTitle';
import { agentName } from '../../services/agents';
import {
  auditCsvUrl,
  auditKeys,
  auditKinds,
  fetchAudit,
  type AuditFilter,
} from '../../services/audit';
import { useAgentDirectory } from '../tasks/parts';

/** Every governed access in one filtered list (SQL, web, retrievals, tools, denials, approvals), and its CSV. */
export function AuditPage() {
  usePageTitle('Audit');
  const { agents, byId } = useAgentDirectory();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [taskText, setTaskText] = useState('');
  const entries = useQuery({
    queryKey: auditKeys.list(filter),
    queryFn: ({ signal }) => fetchAudit(filter, signal),
    placeholderData: keepPreviousData,
  });
  const set = <K extends keyof AuditFilter>(key: K, value: AuditFilter[K]) =>
    setFilter((f) => ({ ...f, [key]: value }));
  const errors = (field: string) => fieldErrors(entries.error, field);
  const taskInvalid = taskText.trim() !== '' && !/^\d+$/.test(taskText.trim());

  return (
    <div className="page">
      <PageHeader
        title="Audit"
        description="Every governed access by the company’s agents: SQL statements, web requests, knowledge retrievals, tool calls, policy denials and decided approvals."
        actions={
          <a className="button" href={auditCsvUrl(filter)} download="audit.csv">
            <Download size={15} /> Export CSV
          </a>
        }
      />
      <section className="card" aria-label="Filters">
        <div className="card__body form-grid">
          <Field label="Agent">
            <select
              className="select"
              value={filter.agentId ?? ''}
              onChange={(e) =>
                set('agentId', e.target.value === '' ? undefined : Number(e.target.value))
              }
            >
              <option value="">Every agent</option>
              {[...agents]
                .sort((a, b) => agentName(a).localeCompare(agentName(b)))
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {agentName(a)}
                  </option>
                ))}
            </select>
          </Field>
          <Field label="Kind" errors={errors('kind')}>
            <select
              className="select"
              value={filter.kind ?? ''}
              onChange={(e) => set('kind', e.target.value || undefined)}
            >
              <option value="">Every kind</option>
              {Object.entries(auditKinds).map(([kind, label]) => (
                <option key={kind} value={kind}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <TextField
            label="Outcome"
            value={filter.outcome ?? ''}
            onChange={(v) => set('outcome', v || undefined)}
            placeholder="ok, denied, error…"
            errors={errors('outcome')}
          />
          <TextField
            label="Task"
            inputMode="numeric"
            value={taskText}
            onChange={(v) => {
              setTaskText(v);
              const t = v.trim();
              set('taskId', /^\d+$/.test(t) ? Number(t) : undefined);
            }}
            placeholder="task number"
            errors={taskInvalid ? ['A task number, such as 42.'] : errors('taskId')}
          />
          <TextField
            label="From"
            type="datetime-local"
            value={filter.from ?? ''}
            onChange={(v) => set('from', v || undefined)}
            errors={errors('from')}
          />
          <TextField
            label="To"
            type="datetime-local"
            value={filter.to ?? ''}
            onChange={(v) => set('to', v || undefined)}
            errors={errors('to')}
          />
        </div>
      </section>
      <section className="card" aria-label="Audit entries">
        {entries.isPending && <SkeletonRows rows={5} columns={5} />}
        {entries.isError && (
          <div className="card__body">
            <ProblemAlert error={entries.error} />
          </div>
        )}
        {entries.data?.length === 0 && (
          <EmptyState icon={<FileSearch size={22} />} title="No entry matches">
            Entries appear as agents query data, browse, search knowledge and call tools.
          </EmptyState>
        )}
        {entries.data && entries.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">What</th>
                  <th scope="col">Task</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.map((entry) => {
                  const agent = entry.agentId ? byId.get(entry.agentId) : undefined;
                  return (
                    <tr key={`${entry.kind}-${entry.id}`}>
                      <td className="nowrap">
                        <RelativeTime value={entry.at} />
                      </td>
                      <td>{auditKinds[entry.kind] ?? entry.kind}</td>
                      <td>
                        {agent ? agentName(agent) : entry.agentId ? `#${entry.agentId}` : '–'}
                      </td>
                      <td>
                        <span className={entry.allowed ? 'badge badge--ok' : 'badge badge--bad'}>
                          {entry.outcome}
                        </span>
                      </td>
                      <td>
                        <span className="cell-title">{entry.summary}</span>
                        {entry.detail && <span className="cell-sub"> {entry.detail}</span>}
                      </td>
                      <td>
                        {entry.taskId ? (
                          <Link to={`/tasks/${entry.taskId}`}>Task {entry.taskId}</Link>
                        ) : (
                          '–'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
