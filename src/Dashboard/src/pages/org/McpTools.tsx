import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plug } from 'lucide-react';
import { useId } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { Tooltip } from '../../components/Tooltip';
import {
  classificationLabels,
  fetchAgentMcpTools,
  fetchMcpTools,
  grantMcpTool,
  integrationKeys,
  revokeMcpTool,
  type ToolClassification,
} from '../../services/integrations';

const NO_RIGHTS = 'Only the CEO grants tools.';

/**
 * The MCP tools an agent may call, beside its data sources: every tool of the company's servers
 * with a switch. The agent's model is offered only the granted ones.
 */
export function McpTools({ agentId, canEdit }: { agentId: number; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const headingId = useId();
  const catalogue = useQuery({
    queryKey: integrationKeys.tools,
    queryFn: ({ signal }) => fetchMcpTools(signal),
    staleTime: 30_000,
  });
  const grants = useQuery({
    queryKey: integrationKeys.grants(agentId),
    queryFn: ({ signal }) => fetchAgentMcpTools(agentId, signal),
  });
  const change = useMutation({
    mutationFn: ({ toolId, granted }: { toolId: number; granted: boolean }) =>
      granted ? grantMcpTool(agentId, toolId) : revokeMcpTool(agentId, toolId),
    onSuccess: (updated) => queryClient.setQueryData(integrationKeys.grants(agentId), updated),
    onSettled: () => queryClient.invalidateQueries({ queryKey: integrationKeys.tools }),
  });
  const granted = new Set(grants.data?.map((t) => t.id) ?? []);
  const reason = canEdit ? undefined : NO_RIGHTS;
  const tools = catalogue.data?.filter((t) => t.present || granted.has(t.id)) ?? [];

  return (
    <section className="stack" style={{ gap: 8 }} aria-labelledby={headingId}>
      <h3 id={headingId} className="section-title small-title">
        <Plug size={14} aria-hidden="true" /> MCP tools
      </h3>
      {(catalogue.isPending || grants.isPending) && (
        <span className="skeleton" style={{ height: 36 }} />
      )}
      {catalogue.isError && <ProblemAlert error={catalogue.error} />}
      {grants.isError && <ProblemAlert error={grants.error} />}
      {catalogue.data && grants.data && tools.length === 0 && (
        <p className="muted">
          No MCP server is registered: see <Link to="/integrations">Integrations</Link>.
        </p>
      )}
      {tools.length > 0 && (
        <ul className="source-list" aria-label="MCP tools">
          {tools.map((tool) => (
            <li key={tool.id}>
              <Tooltip text={reason}>
                <label className="source-list__item">
                  <input
                    type="checkbox"
                    aria-label={tool.agentName}
                    checked={granted.has(tool.id)}
                    disabled={reason !== undefined || change.isPending}
                    onChange={(event) =>
                      change.mutate({ toolId: tool.id, granted: event.target.checked })
                    }
                  />
                  <span>
                    <span className="mono">{tool.agentName}</span>
                    <span className="muted small">
                      {' '}
                      ·{' '}
                      {classificationLabels[tool.classification as ToolClassification] ??
                        tool.classification}
                    </span>
                    {tool.description && <span className="cell-sub">{tool.description}</span>}
                  </span>
                </label>
              </Tooltip>
            </li>
          ))}
        </ul>
      )}
      {change.isError && <ProblemAlert error={change.error} />}
    </section>
  );
}
