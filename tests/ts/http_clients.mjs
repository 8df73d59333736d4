// Many official TypeScript SDK clients at once against `aigw-skills serve --http`, as real clients connect: each
// has its own StreamableHTTPClientTransport and session, and keeps the event stream (GET) the SDK opens after
// initialize while it lists tools, makes the planned tool calls and closes. Prints what each client saw as JSON.
// All clients live in this one node process: fetch opens a socket per request in flight and reuses idle ones, so
// the server sees about as many sockets as separate apps would open (25 clients: 200 requests on 72 sockets, 25 of
// them event streams), without the cost of starting one node process per client.
//   node http_clients.mjs PLAN.json
// PLAN.json: {"url": ..., "token": ..., "clients": N,
//             "calls": [{"name": ..., "arguments": {...}, "expect": {"isError": false, "structured": {...}}}]}
// In a call's arguments, the string "{client}" is replaced by the client's index (distinct names per client).
// `expect.structured` lists fields the structured result must contain with these exact values.
// Output: {"clients": [{"errors": [...], "calls": n, "latencies_ms": [...], "statuses": {"GET 200": 1, ...},
//          "stream": true}]} — one entry per client; every HTTP status the client received is counted,
//          and anything that went wrong (a thrown error, an error the transport reported, e.g. the event
//          stream refused with 503, or an unexpected tool result) is one string in `errors`.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

if (process.argv.length !== 3) {
  console.error("usage: node http_clients.mjs PLAN.json");
  process.exit(2);
}
const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const STREAM_WAIT_MS = 60000;

function fill(value, index) {
  if (typeof value === "string") return value.replaceAll("{client}", String(index));
  if (Array.isArray(value)) return value.map((v) => fill(v, index));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, index)]));
  }
  return value;
}

function unexpected(call, result) {
  const isError = result.isError ?? false;
  const text = (result.content ?? []).map((c) => c.text ?? "").join("\n");
  if (isError !== (call.expect?.isError ?? false)) {
    return `${call.name}: isError ${isError}: ${text.slice(0, 300)}`;
  }
  for (const [key, want] of Object.entries(call.expect?.structured ?? {})) {
    const got = result.structuredContent?.[key];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      return `${call.name}: ${key} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}: ${text.slice(0, 300)}`;
    }
  }
  return null;
}

function describe(error) {
  // fetch's own message is only "fetch failed"; its cause says what (ECONNRESET, ECONNREFUSED, ...).
  const cause = error?.cause ? ` (${error.cause.code ?? error.cause.message ?? error.cause})` : "";
  return `${error?.name ?? "Error"}: ${error?.message ?? error}${cause}`;
}

async function timed(latencies, work) {
  const started = performance.now();
  try {
    return await work();
  } finally {
    latencies.push(performance.now() - started);
  }
}

async function one(index) {
  const seen = { errors: [], calls: 0, latencies_ms: [], statuses: {}, stream: false };
  let closing = false;
  let streamAnswered;
  const streamSettled = new Promise((resolve) => (streamAnswered = resolve));
  const counting = async (url, init) => {
    const method = init?.method ?? "GET";
    try {
      const response = await fetch(url, init);
      const key = `${method} ${response.status}`;
      seen.statuses[key] = (seen.statuses[key] ?? 0) + 1;
      if (method === "GET" && response.ok) seen.stream = true;
      return response;
    } finally {
      if (method === "GET") streamAnswered();
    }
  };
  const transport = new StreamableHTTPClientTransport(new URL(plan.url), {
    fetch: counting,
    requestInit: { headers: { Authorization: `Bearer ${plan.token}` } },
  });
  const client = new Client({ name: `aigw-skills-http-${index}`, version: "0.0.1" }, { capabilities: {} });
  // The event stream's failures (a 503, a dropped stream) reach only onerror; the abort our own close() causes
  // does too, and is not an error.
  const reported = new Set(); // a failed POST reaches onerror and is thrown too: count it once
  client.onerror = (error) => {
    if (closing) return;
    reported.add(describe(error));
    seen.errors.push(`transport: ${describe(error)}`);
  };
  try {
    await timed(seen.latencies_ms, () => client.connect(transport));
    await timed(seen.latencies_ms, () => client.listTools());
    for (const planned of plan.calls) {
      const call = fill(planned, index);
      const result = await timed(seen.latencies_ms, () =>
        client.callTool({ name: call.name, arguments: call.arguments }),
      );
      seen.calls += 1;
      const problem = unexpected(call, result);
      if (problem) seen.errors.push(problem);
    }
    // The SDK opens the event stream without waiting for it; wait for its answer before closing, so a refused
    // stream is counted rather than cut off by close(). The bound only stops a server that never answers; it is
    // generous so that a loaded machine is never mistaken for one.
    let timer;
    const bound = new Promise((resolve) => (timer = setTimeout(resolve, STREAM_WAIT_MS)));
    const answered = await Promise.race([streamSettled.then(() => true), bound.then(() => false)]);
    clearTimeout(timer);
    if (!answered) seen.errors.push(`the event stream (GET) was not answered within ${STREAM_WAIT_MS} ms`);
  } catch (error) {
    if (!reported.has(describe(error))) seen.errors.push(describe(error));
  } finally {
    closing = true;
    await client.close();
  }
  return seen;
}

const clients = await Promise.all(Array.from({ length: plan.clients }, (_, index) => one(index)));
process.stdout.write(JSON.stringify({ clients }) + "\n");
