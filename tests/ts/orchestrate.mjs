// Answers aigw_orchestrate's intake forms with the official TypeScript SDK client over stdio.
//   node orchestrate.mjs PLAN.json -- COMMAND [ARGS...]
// PLAN.json: {"arguments": {...tool arguments...}, "fields": {"<form field>": value, ...},
//             "sequence": {"<form field>": [first answer, second answer, ...]} (optional: a person correcting
//             an answer; each form showing the field takes the next one),
//             "decline": "<text of a form message to decline>" (optional),
//             "protocolVersion": "2025-06-18" (optional: offer this version in initialize, as an older client does)}
// Each form is answered with the plan's values for the fields it shows (a list becomes one boolean per choice
// or comma-separated text when the form asks for that); fields not in the plan keep the form's defaults.
// Prints {"forms": [{"message", "properties"}], "isError": bool, "text": "...", "result": {...structuredContent...}}.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const separator = process.argv.indexOf("--");
if (separator < 3 || separator === process.argv.length - 1) {
  console.error("usage: node orchestrate.mjs PLAN.json -- COMMAND [ARGS...]");
  process.exit(2);
}
const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [command, ...args] = process.argv.slice(separator + 1);
const fields = plan.fields ?? {};

const sequence = plan.sequence ?? {};

function contentFor(schema) {
  const content = {};
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    if (Array.isArray(sequence[name]) && sequence[name].length > 0) {
      content[name] = sequence[name].shift();
      continue;
    }
    if (name in fields) {
      const value = fields[name];
      content[name] = Array.isArray(value) && prop.type === "string" ? value.join(", ") : value;
      continue;
    }
    const cut = name.lastIndexOf("__");
    const field = cut > 0 ? name.slice(0, cut) : null;
    if (field && Array.isArray(fields[field])) {
      content[name] = fields[field].map((o) => o.replaceAll("-", "_")).includes(name.slice(cut + 2));
    }
  }
  return content;
}

const client = new Client(
  { name: "aigw-skills-ts-orchestrate", version: "0.0.1" },
  { capabilities: { elicitation: { form: {} } } },
);
const forms = [];
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  const { message, requestedSchema } = request.params;
  forms.push({ message, properties: Object.keys(requestedSchema?.properties ?? {}) });
  if (plan.decline && message.includes(plan.decline)) return { action: "decline" };
  return { action: "accept", content: contentFor(requestedSchema) };
});

const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
if (plan.protocolVersion) {
  const send = transport.send.bind(transport);
  transport.send = (message, options) =>
    send(
      message.method === "initialize"
        ? { ...message, params: { ...message.params, protocolVersion: plan.protocolVersion } }
        : message,
      options,
    );
}
let negotiated = null;
transport.setProtocolVersion = (version) => {
  negotiated = version; // the client reports the version the server chose (stdio has no header to set)
};
await client.connect(transport);
const result = await client.callTool({ name: "aigw_orchestrate", arguments: plan.arguments ?? {} });
await client.close();
process.stdout.write(
  JSON.stringify({
    forms,
    isError: result.isError ?? false,
    text: result.content?.[0]?.text ?? "",
    protocolVersion: negotiated,
    result: result.structuredContent ?? null,
  }) + "\n",
);
