// Answers aigw_orchestrate's intake forms with the official TypeScript SDK client over stdio.
//   node orchestrate.mjs ANSWERS.json -- COMMAND [ARGS...]
// ANSWERS.json: {"messages": {"<form message>": "<round>"}, "answers": {"<round>": {...}}}; a round missing
// from answers is accepted with its defaults (the optional production round: no feature).
// Prints {"rounds": [...asked rounds...], "result": {...structuredContent...}, "isError": bool} as JSON.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const separator = process.argv.indexOf("--");
if (separator < 3 || separator === process.argv.length - 1) {
  console.error("usage: node orchestrate.mjs ANSWERS.json -- COMMAND [ARGS...]");
  process.exit(2);
}
const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [command, ...args] = process.argv.slice(separator + 1);

const client = new Client(
  { name: "aigw-skills-ts-orchestrate", version: "0.0.1" },
  { capabilities: { elicitation: { form: {} } } },
);
const rounds = [];
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  const round = plan.messages[request.params.message];
  rounds.push(round ?? `unknown: ${request.params.message}`);
  const wanted = Object.keys(request.params.requestedSchema?.properties ?? {});
  const given = plan.answers[round] ?? {};
  const content = Object.fromEntries(Object.entries(given).filter(([key]) => wanted.includes(key)));
  return { action: "accept", content };
});

const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
await client.connect(transport);
const result = await client.callTool({ name: "aigw_orchestrate", arguments: {} });
await client.close();
process.stdout.write(
  JSON.stringify({ rounds, isError: result.isError ?? false, result: result.structuredContent ?? null }) + "\n",
);
