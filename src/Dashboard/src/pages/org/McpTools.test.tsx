import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSignedIn, stubApi } from '../../test/render';
import { McpTools } from './McpTools';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const tool = (id: number, name: string, classification: string) => ({
  id,
  serverId: 1,
  server: 'files',
  name,
  agentName: `files__${name}`,
  title: null,
  description: `The ${name} tool`,
  inputSchema: { type: 'object' },
  annotations: null,
  defaultClassification: classification,
  classification,
  classifiedBy: null,
  present: true,
  grantedTo: [],
});

describe('McpTools', () => {
  it('lists the company’s MCP tools with the agent’s grants checked and grants another', async () => {
    const user = userEvent.setup();
    const granted: number[] = [];
    stubApi({
      'GET /api/mcp/tools': () =>
        Response.json([tool(1, 'read_file', 'read'), tool(2, 'write_file', 'write')]),
      'GET /api/mcp/agents/7/tools': () => Response.json([tool(1, 'read_file', 'read')]),
      'PUT /api/mcp/agents/7/tools/2': () => {
        granted.push(2);
        return Response.json([tool(1, 'read_file', 'read'), tool(2, 'write_file', 'write')]);
      },
    });
    renderSignedIn(<McpTools agentId={7} canEdit />);
    expect(await screen.findByRole('checkbox', { name: 'files__read_file' })).toBeChecked();
    const write = screen.getByRole('checkbox', { name: 'files__write_file' });
    expect(write).not.toBeChecked();
    expect(screen.getByText(/· Write/)).toBeInTheDocument();
    await user.click(write);
    expect(await screen.findByRole('checkbox', { name: 'files__write_file' })).toBeChecked();
    expect(granted).toEqual([2]);
  });

  it('points to Integrations when the company has no MCP server', async () => {
    stubApi({
      'GET /api/mcp/tools': () => Response.json([]),
      'GET /api/mcp/agents/7/tools': () => Response.json([]),
    });
    renderSignedIn(<McpTools agentId={7} canEdit={false} />);
    expect(await screen.findByRole('link', { name: 'Integrations' })).toHaveAttribute(
      'href',
      '/integrations',
    );
  });
});
