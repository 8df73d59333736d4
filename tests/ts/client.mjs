// Drives an MCP server over stdio with the official TypeScript SDK client and prints what it saw as JSON.
//   node client.mjs PLAN.json -- COMMAND [ARGS...]
// PLAN.json: {"calls": [{"name": ..., "arguments": {...}}], "prompt": {"name": ..., "arguments": {...}},
//             "resource": "uri"}
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const separator = process.argv.indexOf("--");
if (separator < 3 || separator === process.argv.length - 1) {
  console.error("usage: node client.mjs PLAN.json -- COMMAND [ARGS...]");
  process.exit(2);
}
const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [command, ...args] = process.argv.slice(separator + 1);

const client = new Client({ name: "aigw-skills-ts-test", version: "0.0.1" }, { capabilities: {} });
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
await client.connect(transport);

const out = { server: client.getServerVersion(), capabilities: client.getServerCapabilities() };
out.tools = (await client.listTools()).tools.map((t) => ({
  name: t.name,
  readOnlyHint: t.annotations?.readOnlyHint ?? null,
  properties: Object.keys(t.inputSchema?.properties ?? {}),
  hasOutputSchema: Boolean(t.outputSchema),
}));
out.prompts = (await client.listPrompts()).prompts.map((p) => p.name);
out.resources = (await client.listResources()).resources.map((r) => r.uri);
out.templates = (await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate);

out.calls = [];
for (const call of plan.calls) {
  // callTool validates structuredContent against the tool's outputSchema (it throws on a mismatch).
  const result = await client.callTool({ name: call.name, arguments: call.arguments });
  out.calls.push({
    name: call.name,
    isError: result.isError ?? false,
    structured: result.structuredContent ?? null,
    text: result.content?.map((c) => c.text ?? "").join("\n") ?? "",
  });
}
const prompt = await client.getPrompt(plan.prompt);
out.prompt = prompt.messages.map((m) => m.content.text ?? "").join("\n");
const resource = await client.readResource({ uri: plan.resource });
out.resource = resource.contents.map((c) => c.text ?? "").join("\n");

await client.close();
process.stdout.write(JSON.stringify(out) + "\n");
