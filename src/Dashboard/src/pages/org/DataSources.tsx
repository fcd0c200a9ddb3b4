import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Database } from 'lucide-react';
import { useId, useState } from 'react';
import { InfoAlert, ProblemAlert } from '../../components/ProblemAlert';
import { Tooltip } from '../../components/Tooltip';
import { agentKeys } from '../../services/agents';
import {
  dataSourceKeys,
  fetchAgentSqlGrants,
  fetchSqlSources,
  grantSqlSource,
  revokeSqlSource,
} from '../../services/dataSources';

const NO_RIGHTS = 'Only the CEO grants data sources.';

/**
 * The SQL views an agent may query: the catalogue with a switch per source. A change shows at
 * once and rolls back when the Api refuses it; the Api's answer is the truth either way.
 */
export function DataSources({ agentId, canEdit }: { agentId: number; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const headingId = useId();
  const catalogue = useQuery({
    queryKey: dataSourceKeys.catalogue,
    queryFn: ({ signal }) => fetchSqlSources(signal),
    staleTime: 60_000,
  });
  const grants = useQuery({
    queryKey: dataSourceKeys.grants(agentId),
    queryFn: ({ signal }) => fetchAgentSqlGrants(agentId, signal),
  });
  // A switch shows its new value in the click's own render, until the Api answers with a new
  // version of the agent (or refuses, which puts it back).
  const [pending, setPending] = useState<{
    source: string;
    granted: boolean;
    version: number;
  } | null>(null);
  const change = useMutation({
    mutationFn: ({ source, granted }: { source: string; granted: boolean }) =>
      granted ? grantSqlSource(agentId, source) : revokeSqlSource(agentId, source),
    onError: () => setPending(null),
    onSuccess: (updated) => queryClient.setQueryData(dataSourceKeys.grants(agentId), updated),
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.detail(agentId) }),
  });
  const toggle = (source: string, granted: boolean) => {
    if (grants.data) setPending({ source, granted, version: grants.data.agentVersion });
    change.mutate({ source, granted });
  };

  const granted = new Set(grants.data?.sources.map((s) => s.toLowerCase()) ?? []);
  const isGranted = (name: string) =>
    pending && pending.source === name && pending.version === grants.data?.agentVersion
      ? pending.granted
      : granted.has(name.toLowerCase());
  const known = new Set(catalogue.data?.map((s) => s.name) ?? []);
  const others = grants.data?.sources.filter((s) => !known.has(s.toLowerCase())) ?? [];
  const reason = canEdit ? undefined : NO_RIGHTS;

  return (
    <section className="stack" style={{ gap: 8 }} aria-labelledby={headingId}>
      <h3 id={headingId} className="section-title small-title">
        <Database size={14} aria-hidden="true" /> Data sources
      </h3>
      {(catalogue.isPending || grants.isPending) && (
        <span className="skeleton" style={{ height: 36 }} />
      )}
      {catalogue.isError && <ProblemAlert error={catalogue.error} />}
      {grants.isError && <ProblemAlert error={grants.error} />}
      {grants.data && !grants.data.sqlToolEnabled && (
        <InfoAlert title="The sql tool is off for this agent">
          Grants take effect once “sql” is among its allowed tools (Edit).
        </InfoAlert>
      )}
      {catalogue.data && grants.data && (
        <>
          {catalogue.data.length === 0 && others.length === 0 && (
            <p className="muted">No data source exists yet.</p>
          )}
          <ul className="source-list" aria-label="SQL data sources">
            {catalogue.data.map((source) => (
              <li key={source.name}>
                <Tooltip text={reason}>
                  <label className="source-list__item">
                    <input
                      type="checkbox"
                      aria-label={source.name}
                      checked={isGranted(source.name)}
                      disabled={reason !== undefined || change.isPending}
                      onChange={(event) => toggle(source.name, event.target.checked)}
                    />
                    <span>
                      <span className="mono">{source.name}</span>
                      <span className="muted small">
                        {' '}
                        · {source.kind === 'schema' ? 'every view of the schema' : 'view'}
                      </span>
                      {source.description && <span className="cell-sub">{source.description}</span>}
                      {source.columns.length > 0 && (
                        <span className="cell-sub">
                          {source.kind === 'schema' ? 'Views: ' : 'Columns: '}
                          {source.columns.join(', ')}
                        </span>
                      )}
                    </span>
                  </label>
                </Tooltip>
              </li>
            ))}
            {others.map((name) => (
              <li key={name}>
                <Tooltip text={reason}>
                  <label className="source-list__item">
                    <input
                      type="checkbox"
                      aria-label={name}
                      checked={isGranted(name)}
                      disabled={reason !== undefined || change.isPending}
                      onChange={(event) => toggle(name, event.target.checked)}
                    />
                    <span>
                      <span className="mono">{name}</span>
                      <span className="cell-sub">
                        Not in the catalogue: the agent cannot query it.
                      </span>
                    </span>
                  </label>
                </Tooltip>
              </li>
            ))}
          </ul>
        </>
      )}
      {change.isError && <ProblemAlert error={change.error} />}
    </section>
  );
}
