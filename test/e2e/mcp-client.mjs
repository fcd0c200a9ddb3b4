// Drives fluidManager's /mcp with the official MCP TypeScript SDK client over streamable HTTP, as an
// assistant would: with the ceo's token it lists the tools, creates a task and reads it back; with a
// viewer's token it lists the tools and tries to create a task; without a token it tries to connect.
// Writes one JSON line on stdout with what each step saw; the .NET test judges it.
//
//   node mcp-client.mjs <api base url> <ceo token> <viewer token> <task title>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [base, ceoToken, viewerToken, title] = process.argv.slice(2);
if (!base || !ceoToken || !viewerToken || !title) {
  console.error("usage: node mcp-client.mjs <api base url> <ceo token> <viewer token> <task title>");
  process.exit(2);
}
const endpoint = new URL("/mcp", base);

async function connect(token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const client = new Client({ name: "fluidmanager-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } }));
  return client;
}

const text = (result) => result.content.filter((c) => c.type === "text").map((c) => c.text).join("");
const report = {};

// No token: the SDK's connect fails, and the server said 401.
try {
  const client = await connect(null);
  report.anonymous = { connected: true };
  await client.close();
} catch (error) {
  report.anonymous = { connected: false, code: error.code ?? null, error: String(error) };
}

const ceo = await connect(ceoToken);
report.ceo = { server: ceo.getServerVersion(), tools: (await ceo.listTools()).tools.map((t) => t.name) };
const created = await ceo.callTool({ name: "create_task", arguments: { title, description: "Made by the MCP TypeScript SDK client.", priority: "high" } });
report.ceo.created = { isError: created.isError ?? false, task: created.isError ? text(created) : JSON.parse(text(created)) };
if (!created.isError) {
  const read = await ceo.callTool({ name: "get_task", arguments: { taskId: report.ceo.created.task.id } });
  report.ceo.read = { isError: read.isError ?? false, task: read.isError ? text(read) : JSON.parse(text(read)) };
}
await ceo.close();

const viewer = await connect(viewerToken);
report.viewer = { tools: (await viewer.listTools()).tools.map((t) => t.name) };
const refused = await viewer.callTool({ name: "create_task", arguments: { title: `${title} (viewer)` } });
report.viewer.create = { isError: refused.isError ?? false, text: text(refused) };
await viewer.close();

process.stdout.write(JSON.stringify(report) + "\n");
