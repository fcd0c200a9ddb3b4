import { api, unwrap, type Schemas } from '../api/client';
import { ApiError } from './http';

export type McpServer = Schemas['McpServerDto'];
export type McpTool = Schemas['McpToolDto'];
export type McpServerInput = Schemas['McpServerInput'];
export type McpRefreshResult = Schemas['McpRefreshResult'];
export type EmailSettings = Schemas['EmailSettingsDto'];
export type EmailSettingsInput = Schemas['EmailSettingsInput'];
export type ToolClassification = 'read' | 'write' | 'external';

export const classificationLabels: Record<ToolClassification, string> = {
  read: 'Read',
  write: 'Write',
  external: 'External action',
};

export const integrationKeys = {
  servers: ['mcp', 'servers'] as const,
  tools: ['mcp', 'tools'] as const,
  email: ['mcp', 'email'] as const,
  /** Under "agents": the agent's side panel refreshes it with the agent. */
  grants: (agentId: number) => ['agents', 'detail', agentId, 'mcp-tools'] as const,
};

export function fetchMcpServers(signal?: AbortSignal): Promise<McpServer[]> {
  return unwrap(api.GET('/api/mcp/servers', { signal }), signal);
}

export function fetchMcpTools(signal?: AbortSignal): Promise<McpTool[]> {
  return unwrap(api.GET('/api/mcp/tools', { signal }), signal);
}

export function createMcpServer(input: McpServerInput): Promise<McpServer> {
  return unwrap(api.POST('/api/mcp/servers', { body: input }));
}

export function updateMcpServer(id: number, input: McpServerInput): Promise<McpServer> {
  return unwrap(api.PUT('/api/mcp/servers/{id}', { params: { path: { id } }, body: input }));
}

export function deleteMcpServer(id: number): Promise<void> {
  return unwrap(api.DELETE('/api/mcp/servers/{id}', { params: { path: { id } } })).then(
    () => undefined,
  );
}

export function refreshMcpServer(id: number): Promise<McpRefreshResult> {
  return unwrap(api.POST('/api/mcp/servers/{id}/refresh', { params: { path: { id } } }));
}

export function classifyMcpTool(
  id: number,
  classification: ToolClassification | null,
): Promise<McpTool> {
  return unwrap(
    api.PUT('/api/mcp/tools/{id}/classification', {
      params: { path: { id } },
      body: { classification },
    }),
  );
}

export function fetchAgentMcpTools(agentId: number, signal?: AbortSignal): Promise<McpTool[]> {
  return unwrap(
    api.GET('/api/mcp/agents/{agentId}/tools', { params: { path: { agentId } }, signal }),
    signal,
  );
}

export function grantMcpTool(agentId: number, toolId: number): Promise<McpTool[]> {
  return unwrap(
    api.PUT('/api/mcp/agents/{agentId}/tools/{toolId}', { params: { path: { agentId, toolId } } }),
  );
}

export function revokeMcpTool(agentId: number, toolId: number): Promise<McpTool[]> {
  return unwrap(
    api.DELETE('/api/mcp/agents/{agentId}/tools/{toolId}', {
      params: { path: { agentId, toolId } },
    }),
  );
}

/** Splits "NAME=value" lines (environment, headers, secrets) into a map; blank lines are skipped. */
export function parsePairs(text: string, separator: '=' | ':'): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (line.trim() === '') continue;
    const key = (at < 0 ? line : line.slice(0, at)).trim();
    if (key) pairs[key] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return pairs;
}

/** The company's SMTP account, or null when none is set (the Api answers 404). */
export async function fetchEmailSettings(signal?: AbortSignal): Promise<EmailSettings | null> {
  try {
    return await unwrap(api.GET('/api/email/settings', { signal }), signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function saveEmailSettings(input: EmailSettingsInput): Promise<EmailSettings> {
  return unwrap(api.PUT('/api/email/settings', { body: input }));
}
