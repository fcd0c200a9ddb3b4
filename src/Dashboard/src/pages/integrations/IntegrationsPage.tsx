import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Mail, Plug, Plus, RefreshCw, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { isCeo, useSession } from '../../app/session';
import { EmptyState } from '../../components/EmptyState';
import { SkeletonRows } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RelativeTime } from '../../components/RelativeTime';
import { Tooltip } from '../../components/Tooltip';
import { usePageTitle } from '../../hooks/usePageTitle';
import {
  classificationLabels,
  classifyMcpTool,
  createMcpServer,
  deleteMcpServer,
  fetchEmailSettings,
  fetchMcpServers,
  fetchMcpTools,
  integrationKeys,
  parsePairs,
  refreshMcpServer,
  saveEmailSettings,
  updateMcpServer,
  type McpServer,
  type McpTool,
  type ToolClassification,
} from '../../services/integrations';

const ONLY_CEO = 'Only the CEO changes integrations.';

const healthBadge: Record<string, string> = {
  healthy: 'badge badge--ok',
  failing: 'badge badge--danger',
  unknown: 'badge',
};

/**
 * The company's MCP servers: registration (secrets are write-only: their names are shown, never
 * their values), health, and each server's tools with their class, which the CEO may change.
 */
export function IntegrationsPage() {
  usePageTitle('Integrations');
  const session = useSession();
  const reason = isCeo(session) ? undefined : ONLY_CEO;
  const servers = useQuery({
    queryKey: integrationKeys.servers,
    queryFn: ({ signal }) => fetchMcpServers(signal),
  });
  const tools = useQuery({
    queryKey: integrationKeys.tools,
    queryFn: ({ signal }) => fetchMcpTools(signal),
  });

  return (
    <div className="page">
      <PageHeader
        title="Integrations"
        description={
          <>
            MCP servers give agents tools outside fluidManager. Grant tools to agents in their side
            panel on the org chart; calls the approval rules name wait for you in Approvals.
          </>
        }
      />
      {!reason && <RegisterServerCard />}
      <EmailCard reason={reason} />
      {servers.isPending && <SkeletonRows rows={3} columns={4} />}
      {servers.isError && <ProblemAlert error={servers.error} />}
      {servers.data && servers.data.length === 0 && (
        <EmptyState icon={<Plug size={22} />} title="No MCP server yet">
          Register a server (a command such as <code>npx</code>, or an HTTP address) to list its
          tools.
        </EmptyState>
      )}
      {servers.data?.map((server) => (
        <ServerCard
          key={server.id}
          server={server}
          tools={tools.data?.filter((t) => t.serverId === server.id) ?? []}
          reason={reason}
        />
      ))}
    </div>
  );
}

/** The SMTP account of send_email: the password is write-only (only whether it is set is shown). */
function EmailCard({ reason }: { reason?: string }) {
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: integrationKeys.email,
    queryFn: ({ signal }) => fetchEmailSettings(signal),
  });
  const [host, setHost] = useState('');
  const [port, setPort] = useState('587');
  const [security, setSecurity] = useState('starttls');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState('');
  const save = useMutation({
    mutationFn: () =>
      saveEmailSettings({
        host: host.trim() || null,
        port: Number(port) || null,
        security,
        username: username.trim() || null,
        password: password || null,
        fromAddress: from.trim() || null,
        fromName: null,
      }),
    onSuccess: () => setPassword(''),
    onSettled: () => queryClient.invalidateQueries({ queryKey: integrationKeys.email }),
  });
  const current = settings.data;

  return (
    <section className="card card--padded" aria-labelledby="email-title">
      <h2 id="email-title" className="section-title">
        <Mail size={16} aria-hidden="true" /> E-mail (send_email)
      </h2>
      {settings.isError && <ProblemAlert error={settings.error} />}
      <p className="muted small">
        {current
          ? `${current.fromAddress} through ${current.host}:${current.port} (${current.security}); password ${current.passwordSet ? 'set' : 'not set'}.`
          : 'No SMTP account: send_email is offered to no agent.'}{' '}
        Every message is an external action.
      </p>
      {!reason && (
        <form
          className="row"
          style={{ flexWrap: 'wrap', gap: 12, alignItems: 'flex-end' }}
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <label className="field" style={{ flex: '2 1 200px' }}>
            <span className="field__label">SMTP host</span>
            <input
              className="input"
              name="smtp-host"
              value={host}
              placeholder={current?.host ?? 'smtp.example.com'}
              onChange={(event) => setHost(event.target.value)}
            />
          </label>
          <label className="field" style={{ flex: '0 1 90px' }}>
            <span className="field__label">Port</span>
            <input
              className="input"
              name="smtp-port"
              inputMode="numeric"
              value={port}
              onChange={(event) => setPort(event.target.value)}
            />
          </label>
          <label className="field" style={{ flex: '1 1 120px' }}>
            <span className="field__label">Security</span>
            <select
              className="select"
              name="smtp-security"
              value={security}
              onChange={(event) => setSecurity(event.target.value)}
            >
              <option value="starttls">STARTTLS</option>
              <option value="tls">TLS</option>
              <option value="none">None</option>
            </select>
          </label>
          <label className="field" style={{ flex: '1 1 160px' }}>
            <span className="field__label">Username</span>
            <input
              className="input"
              name="smtp-username"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          </label>
          <label className="field" style={{ flex: '1 1 160px' }}>
            <span className="field__label">Password (write-only)</span>
            <input
              className="input"
              type="password"
              name="smtp-password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          <label className="field" style={{ flex: '2 1 200px' }}>
            <span className="field__label">From address</span>
            <input
              className="input"
              name="smtp-from"
              value={from}
              placeholder={current?.fromAddress ?? 'agents@example.com'}
              onChange={(event) => setFrom(event.target.value)}
            />
          </label>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            Save
          </button>
        </form>
      )}
      {save.isError && <ProblemAlert error={save.error} />}
    </section>
  );
}

function RegisterServerCard() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [transport, setTransport] = useState<'stdio' | 'http'>('stdio');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [url, setUrl] = useState('');
  const [environment, setEnvironment] = useState('');
  const [secrets, setSecrets] = useState('');
  const create = useMutation({
    mutationFn: async () => {
      const server = await createMcpServer({
        name: name.trim(),
        transport,
        command: transport === 'stdio' ? command.trim() : null,
        arguments:
          transport === 'stdio'
            ? args
                .split('\n')
                .map((a) => a.trim())
                .filter(Boolean)
            : [],
        environment: transport === 'stdio' ? parsePairs(environment, '=') : {},
        url: transport === 'http' ? url.trim() : null,
        headers: transport === 'http' ? parsePairs(environment, ':') : {},
        secrets: parsePairs(secrets, '='),
        enabled: true,
      });
      await refreshMcpServer(server.id);
      return server;
    },
    onSuccess: () => {
      setName('');
      setCommand('');
      setArgs('');
      setUrl('');
      setEnvironment('');
      setSecrets('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['mcp'] }),
  });

  return (
    <section className="card card--padded" aria-labelledby="register-server-title">
      <h2 id="register-server-title" className="section-title">
        Register an MCP server
      </h2>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <div className="row" style={{ flexWrap: 'wrap', gap: 12 }}>
          <label className="field" style={{ flex: '1 1 200px' }}>
            <span className="field__label">Name</span>
            <input
              className="input"
              name="server-name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="e.g. files"
              required
            />
          </label>
          <label className="field" style={{ flex: '1 1 160px' }}>
            <span className="field__label">Transport</span>
            <select
              className="select"
              name="server-transport"
              value={transport}
              onChange={(event) => setTransport(event.target.value as 'stdio' | 'http')}
            >
              <option value="stdio">stdio (a command)</option>
              <option value="http">Streamable HTTP</option>
            </select>
          </label>
          {transport === 'stdio' ? (
            <label className="field" style={{ flex: '2 1 260px' }}>
              <span className="field__label">Command</span>
              <input
                className="input"
                name="server-command"
                value={command}
                onChange={(event) => setCommand(event.target.value)}
                placeholder="npx"
                required
              />
            </label>
          ) : (
            <label className="field" style={{ flex: '2 1 260px' }}>
              <span className="field__label">URL</span>
              <input
                className="input"
                name="server-url"
                value={url}
                onChange={(event) => setUrl(event.target.value)}
                placeholder="https://mcp.example.com/mcp"
                required
              />
            </label>
          )}
        </div>
        <div className="row" style={{ flexWrap: 'wrap', gap: 12 }}>
          {transport === 'stdio' && (
            <label className="field" style={{ flex: '1 1 260px' }}>
              <span className="field__label">Arguments, one per line</span>
              <textarea
                className="textarea"
                name="server-arguments"
                rows={3}
                value={args}
                onChange={(event) => setArgs(event.target.value)}
              />
            </label>
          )}
          <label className="field" style={{ flex: '1 1 260px' }}>
            <span className="field__label">
              {transport === 'stdio'
                ? 'Environment (NAME=value per line)'
                : 'Headers (Name: value per line)'}
            </span>
            <textarea
              className="textarea"
              name="server-environment"
              rows={3}
              value={environment}
              onChange={(event) => setEnvironment(event.target.value)}
            />
          </label>
          <label className="field" style={{ flex: '1 1 260px' }}>
            <span className="field__label">
              Secrets (NAME=value per line; stored encrypted, never shown)
            </span>
            <textarea
              className="textarea"
              name="server-secrets"
              rows={3}
              autoComplete="off"
              spellCheck={false}
              value={secrets}
              onChange={(event) => setSecrets(event.target.value)}
            />
          </label>
        </div>
        <div>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            <Plus size={16} />
            {create.isPending ? 'Connecting…' : 'Register and list tools'}
          </button>
        </div>
      </form>
      {create.isError && <ProblemAlert error={create.error} />}
    </section>
  );
}

function ServerCard({
  server,
  tools,
  reason,
}: {
  server: McpServer;
  tools: McpTool[];
  reason?: string;
}) {
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['mcp'] });
  const refresh = useMutation({
    mutationFn: () => refreshMcpServer(server.id),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: () => deleteMcpServer(server.id),
    onSettled: invalidate,
  });
  const [secrets, setSecrets] = useState('');
  const setSecret = useMutation({
    mutationFn: () =>
      updateMcpServer(server.id, {
        name: null,
        transport: null,
        command: null,
        arguments: null,
        environment: null,
        url: null,
        headers: null,
        secrets: parsePairs(secrets, '='),
        enabled: null,
      }),
    onSuccess: () => setSecrets(''),
    onSettled: invalidate,
  });
  const titleId = `server-${server.id}-title`;

  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card__header">
        <h2 id={titleId}>
          <Plug size={16} aria-hidden="true" /> {server.name}{' '}
          <span className={healthBadge[server.health] ?? 'badge'}>{server.health}</span>
        </h2>
        <div className="row" style={{ gap: 8 }}>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small"
              disabled={reason !== undefined || refresh.isPending}
              onClick={() => refresh.mutate()}
            >
              <RefreshCw size={14} /> {refresh.isPending ? 'Connecting…' : 'Refresh'}
            </button>
          </Tooltip>
          <Tooltip text={reason}>
            <button
              type="button"
              className="button button--small button--danger"
              aria-label={`Remove ${server.name}`}
              disabled={reason !== undefined || remove.isPending}
              onClick={() => remove.mutate()}
            >
              <Trash2 size={14} />
            </button>
          </Tooltip>
        </div>
      </div>
      <div className="card__body stack" style={{ gap: 8 }}>
        <p className="muted small">
          {server.transport === 'stdio'
            ? `${server.command ?? ''} ${server.arguments.join(' ')}`
            : server.url}{' '}
          · {server.toolCount} tools
          {server.checkedAt && (
            <>
              {' '}
              · checked <RelativeTime value={server.checkedAt} />
            </>
          )}
        </p>
        {server.healthError && (
          <p className="small" role="status">
            Last error: {server.healthError}
          </p>
        )}
        <p className="small">
          Secrets:{' '}
          {server.secretNames.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            server.secretNames.map((n) => (
              <span key={n} className="badge mono" style={{ marginRight: 4 }}>
                {n} ••••
              </span>
            ))
          )}
        </p>
        {!reason && (
          <form
            className="row"
            style={{ gap: 8, alignItems: 'flex-end' }}
            onSubmit={(event) => {
              event.preventDefault();
              setSecret.mutate();
            }}
          >
            <label className="field" style={{ flex: '1 1 260px' }}>
              <span className="field__label">Set a secret (NAME=value; write-only)</span>
              <input
                className="input"
                type="password"
                name={`secret-${server.id}`}
                autoComplete="off"
                value={secrets}
                onChange={(event) => setSecrets(event.target.value)}
              />
            </label>
            <button
              type="submit"
              className="button button--small"
              disabled={!secrets || setSecret.isPending}
            >
              Save secret
            </button>
          </form>
        )}
        {(refresh.isError || remove.isError || setSecret.isError) && (
          <ProblemAlert error={refresh.error ?? remove.error ?? setSecret.error} />
        )}
        {tools.length > 0 && <ToolTable tools={tools} reason={reason} />}
      </div>
    </section>
  );
}

function ToolTable({ tools, reason }: { tools: McpTool[]; reason?: string }) {
  const queryClient = useQueryClient();
  const classify = useMutation({
    mutationFn: ({ id, value }: { id: number; value: ToolClassification | null }) =>
      classifyMcpTool(id, value),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['mcp'] }),
  });
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Class</th>
            <th scope="col" className="hide-narrow">
              Granted to
            </th>
          </tr>
        </thead>
        <tbody>
          {tools.map((tool) => (
            <tr key={tool.id} className={tool.present ? undefined : 'muted'}>
              <td>
                <span className="mono">{tool.name}</span>
                {!tool.present && <span className="badge">no longer listed</span>}
                <span className="cell-sub">{tool.description}</span>
                <details>
                  <summary className="small muted">Input schema</summary>
                  <pre className="small mono">{JSON.stringify(tool.inputSchema, null, 2)}</pre>
                </details>
              </td>
              <td>
                <Tooltip text={reason}>
                  <select
                    className="select"
                    aria-label={`Class of ${tool.name}`}
                    value={tool.classification}
                    disabled={reason !== undefined || classify.isPending}
                    onChange={(event) =>
                      classify.mutate({
                        id: tool.id,
                        value: event.target.value as ToolClassification,
                      })
                    }
                  >
                    {(Object.keys(classificationLabels) as ToolClassification[]).map((c) => (
                      <option key={c} value={c}>
                        {classificationLabels[c]}
                        {c === tool.defaultClassification ? ' (default)' : ''}
                      </option>
                    ))}
                  </select>
                </Tooltip>
              </td>
              <td className="hide-narrow">
                {tool.grantedTo.length === 0 ? (
                  <span className="muted">nobody</span>
                ) : (
                  `${tool.grantedTo.length} agent(s)`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {classify.isError && <ProblemAlert error={classify.error} />}
    </div>
  );
}
