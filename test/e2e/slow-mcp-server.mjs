// A slow outside system behind an MCP server made with the official TypeScript SDK (streamable HTTP,
// stateless, on a free port of 127.0.0.1). Its one tool, send_invoice, takes <hold ms> to act, and it
// honours fluidManager's idempotency key (_meta["io.fluidmanager/idempotency-key"]): a call whose key it
// has seen does not act again, it answers what the first call did (waiting for it while it still runs).
// The act goes on when the caller hangs up, as a real system's would.
//
// Writes one JSON line on stdout per happening, which the .NET test reads:
//   {"listening": url}                 ready
//   {"call": key, "calls": n}          a call arrived (n: calls with this key so far)
//   {"effect": key, "effects": n}      the invoice was sent (n: sends with this key so far)
//
//   node slow-mcp-server.mjs <hold ms>
import { createServer } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const hold = Number(process.argv[2]);
if (!Number.isFinite(hold) || hold < 0) {
  console.error("usage: node slow-mcp-server.mjs <hold ms>");
  process.exit(2);
}

const report = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const calls = new Map(); // key -> number of calls
const effects = new Map(); // key -> number of sends
const acts = new Map(); // key -> the promise of the first call's answer

function act(key, reference) {
  return new Promise((resolve) =>
    setTimeout(() => {
      const n = (effects.get(key) ?? 0) + 1;
      effects.set(key, n);
      report({ effect: key, effects: n });
      resolve(`invoice ${reference} sent (idempotency key ${key})`);
    }, hold),
  );
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (error) {
        reject(error);
      }
    });
    request.on("error", reject);
  });
}

const http = createServer((request, response) => {
  if (request.method !== "POST") {
    response.writeHead(405, { Allow: "POST" }).end();
    return;
  }
  void (async () => {
    const server = new Server({ name: "slow-billing", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        {
          name: "send_invoice",
          description: "Sends the invoice of an order to the customer.",
          inputSchema: {
            type: "object",
            properties: { reference: { type: "string", description: "The order reference" } },
            required: ["reference"],
          },
          annotations: { readOnlyHint: false, openWorldHint: true, idempotentHint: true },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (call) => {
      const key = call.params._meta?.["io.fluidmanager/idempotency-key"];
      if (typeof key !== "string" || key.length === 0) {
        return { isError: true, content: [{ type: "text", text: "an idempotency key is required in _meta" }] };
      }
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      report({ call: key, calls: n });
      if (!acts.has(key)) acts.set(key, act(key, String(call.params.arguments?.reference ?? "")));
      return { content: [{ type: "text", text: await acts.get(key) }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on("close", () => {
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

http.listen(0, "127.0.0.1", () => report({ listening: `http://127.0.0.1:${http.address().port}/mcp` }));
