// Client-observed cold start with the official TypeScript SDK client (what Claude Code and Cursor run): from
// spawning a stdio server to its first tools/list answer (connect = initialize handshake, then listTools, which
// also compiles the output-schema validators as a real client does). Servers alternate run by run.
//   node client_cold_start.mjs SDK_DIR RUNS LABEL=COMMAND_JSON [LABEL=COMMAND_JSON ...]
// SDK_DIR: a node_modules/@modelcontextprotocol/sdk folder (tests/ts installs it from the committed lockfile).
// Prints {"LABEL": {"times_ms": [...], "tools": N, "bytes": B}, ...} as JSON.
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [sdk, runsText, ...specs] = process.argv.slice(2);
const { Client } = await import(pathToFileURL(join(sdk, "dist/esm/client/index.js")).href);
const { StdioClientTransport } = await import(pathToFileURL(join(sdk, "dist/esm/client/stdio.js")).href);

const servers = specs.map((spec) => {
  const cut = spec.indexOf("=");
  return { label: spec.slice(0, cut), command: JSON.parse(spec.slice(cut + 1)) };
});
const results = Object.fromEntries(servers.map((s) => [s.label, { times_ms: [], tools: 0, bytes: 0 }]));

for (let run = 0; run < Number(runsText); run++) {
  // Alternate the order each run, so neither server always starts first (on a warm or a cold cache).
  const order = run % 2 === 0 ? servers : [...servers].reverse();
  for (const { label, command } of order) {
    const [cmd, ...args] = command;
    const started = performance.now();
    const client = new Client({ name: "cold-start-bench", version: "1" }, { capabilities: {} });
    await client.connect(new StdioClientTransport({ command: cmd, args, env: process.env, stderr: "ignore" }));
    const listed = await client.listTools();
    results[label].times_ms.push(performance.now() - started);
    results[label].tools = listed.tools.length;
    results[label].bytes = Buffer.byteLength(JSON.stringify(listed));
    await client.close();
  }
}
process.stdout.write(JSON.stringify(results) + "\n");
