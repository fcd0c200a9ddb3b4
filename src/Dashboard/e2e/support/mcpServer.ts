import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/** A tool of the test server: its name, description and annotations (which set its default class). */
export interface TestTool {
  name: string;
  description: string;
  annotations: { readOnlyHint?: boolean; openWorldHint?: boolean; idempotentHint?: boolean };
}

/** A tool call the server received: the tool, its arguments and the caller's idempotency key. */
export interface TestToolCall {
  tool: string;
  arguments: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

export interface TestMcpServer {
  url: string;
  /** The X-Api-Key values of every request, in order (a missing header is an empty string). */
  keys: string[];
  /** The tool calls, in order of arrival. */
  calls: TestToolCall[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    request.on('error', reject);
  });
}

/**
 * A streamable HTTP MCP server made with the official TypeScript SDK (stateless: one SDK server
 * per request), on a free loopback port. It answers only requests that carry `X-Api-Key: apiKey`
 * (401 otherwise), so a healthy registration proves the secret reached it as a header. Every tool
 * call is kept (with the idempotency key fluidManager sends in `_meta`) and answered
 * `<tool>: done for <reference>`.
 */
export async function startMcpServer(apiKey: string, tools: TestTool[]): Promise<TestMcpServer> {
  const keys: string[] = [];
  const calls: TestToolCall[] = [];
  const http: HttpServer = createServer((request, response) => {
    const key = request.headers['x-api-key'];
    keys.push(typeof key === 'string' ? key : '');
    if (key !== apiKey) {
      response
        .writeHead(401, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: 'a valid X-Api-Key header is required' }));
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    void (async () => {
      const server = new Server(
        { name: 'fluid-e2e-billing', version: '1.0.0' },
        { capabilities: { tools: {} } },
      );
      server.setRequestHandler(ListToolsRequestSchema, () => ({
        tools: tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          inputSchema: {
            type: 'object' as const,
            properties: { reference: { type: 'string', description: 'The order reference' } },
            required: ['reference'],
          },
          annotations: tool.annotations,
        })),
      }));
      server.setRequestHandler(CallToolRequestSchema, (call) => {
        const args = call.params.arguments ?? {};
        const key = call.params._meta?.['io.fluidmanager/idempotency-key'];
        calls.push({
          tool: call.params.name,
          arguments: args,
          idempotencyKey: typeof key === 'string' ? key : undefined,
        });
        const reference = typeof args.reference === 'string' ? args.reference : '(none)';
        return {
          content: [{ type: 'text' as const, text: `${call.params.name}: done for ${reference}` }],
        };
      });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request, response, await readBody(request));
      } catch (error) {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    keys,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
