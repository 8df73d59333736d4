"""`aigw_orchestrate`: the intake asked through the client (server.mcp.conversation over the walker), composed
into one validated bundle, written to `output_dir` or returned once.

Every result says what to do next; every error result carries the answers (or intake) collected so far, so the
model can resend them instead of asking the person again.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import CallToolResult, InputRequiredResult, TextContent, ToolAnnotations

from server.mcp.tools import RawArguments, coerce_json_strings

NAME = "aigw_orchestrate"
DESCRIPTION = (
    "Set up Envoy AI Gateway end to end: asks only what is still unknown (through forms when the client shows "
    "them, else as needs_input questions to ask in chat), then returns a validated, apply-ready bundle. Pass "
    "what the user already said as arguments: providers, models, namespace, strategy, features and their "
    "settings (e.g. 'OpenAI and Anthropic, JWT auth, 10k tokens per user per hour' → providers [openai, "
    "anthropic], features [token-limits, client-auth], token_limit 10000, token_limit_unit Hour, "
    "token_limit_header x-user-id, client_auth jwt). Give output_dir to write the files. To change one piece "
    "later, the atomic aigw_* tools are served with `aigw-skills serve --tools all`."
)
CALL = f"call {NAME} again with the same arguments"
# `aigw-skills plan .` shows what the apply would create or change (server-side dry run and diff) before it runs.
NEXT_COMMAND = "cd {dir} && ./install.sh && ./secrets.sh && aigw-skills plan . && kubectl apply -k ."
MIXED = "the value put into the intake itself, or the intake left out so the questions are asked"


def _result(text: str, data: dict[str, Any], *, error: bool = False) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=data, is_error=error
    )


def needs_input(state: Any, stopped: str | None) -> CallToolResult:
    """The next round's questions (text and data) with the answers so far."""
    from orchestrator.intake.questions_text import open_questions, question_text

    why = {
        "decline": "The user declined the form, so continue in chat: ",
        "cancel": "The user closed the form, so continue in chat: ",
        "attempts": "The form was answered several times without a valid answer, so continue in chat: ",
    }.get(stopped or "", "This client cannot show forms, so ask in chat: ")
    text = why + question_text(state, call=CALL)
    data = {"status": "needs_input", "message": text.split("\n", 1)[0]} | open_questions(state)
    return _result(text, data)


def _error(text: str, carried: dict[str, Any]) -> CallToolResult:
    """A model-fixable failure, with what was collected so far (resend it after fixing the fields named)."""
    key = "intake" if "intake" in carried else "answers"
    text += f"\nFix the fields above and {CALL}, passing `{key}` as collected so far:\n"
    text += json.dumps(carried[key], separators=(",", ":"))
    return _result(text, {"status": "error", "message": text.split("\n", 1)[0]} | carried, error=True)


def _scrub(value: Any, field: str = "") -> Any:
    """`value` with every string that looks like a credential replaced, so an error never echoes a key (a
    ``<provider>__models`` answer is read as model ids: a hex digest there is kept, not scrubbed)."""
    from skills.credentials import Mode, describe_credential

    if isinstance(value, dict):  # a key pasted as a round id or field name is scrubbed too
        return {
            ("<removed: looked like a credential>" if describe_credential(k) else k): _scrub(v, str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, field) for v in value]
    mode: Mode = "model" if field.endswith("__models") else "strict"
    if isinstance(value, str) and describe_credential(value, mode):
        return "<removed: looked like a credential; name the env var or file that holds it>"
    return value


async def _root(ctx: Context) -> Path | None:
    """The client's first file root, when it offers roots over a back-channel."""
    caps = ctx.client_capabilities
    if caps is None or caps.roots is None or not ctx.session.can_send_request:
        return None
    try:
        with warnings.catch_warnings():  # deprecated only on 2026-07-28, where this is never reached
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            roots = (await ctx.session.list_roots()).roots
    except Exception:  # a client that declares roots but fails to list them: resolve as if it had none
        return None
    for root in roots:
        uri = urlparse(str(root.uri))
        if uri.scheme == "file":
            return Path(unquote(uri.path))
    return None


async def _write(ctx: Context, bundle: Any, output_dir: str, force: bool) -> tuple[Path, list[str]]:
    from orchestrator.compose.bundle import write_bundle

    target = Path(output_dir).expanduser()
    if not target.is_absolute():
        root = await _root(ctx)
        target = (root / target) if root is not None else target.resolve()
    written = write_bundle(bundle, target, force=force)
    return target, [str(p) for p in written]


async def _build(
    ctx: Context, intake: dict[str, Any], inp: Any, carried: dict[str, Any], ignored: tuple[Any, ...] = ()
) -> CallToolResult:
    from orchestrator.compose.bundle import BundleExistsError, build_bundle
    from orchestrator.intake.questions_text import ignored_line
    from server.mcp.crd_source import crd_source
    from skills.errors import InputError
    from skills.versions import DEFAULT_VERSION

    await ctx.report_progress(1, 3, "composing manifests")
    version = str((intake.get("installation") or {}).get("version") or DEFAULT_VERSION)
    try:
        crds, note = crd_source(getattr(ctx.mcp_server, "crds_path", None), version)
        bundle = build_bundle(intake, crds=crds, crds_note=note)
    except InputError as exc:
        return _error(str(exc), carried)
    await ctx.report_progress(3, 3, "validated")
    data: dict[str, Any] = {
        "status": "built",
        "message": bundle.summary(),
        "valid": bundle.valid,
        "checklist": [item.to_dict() for item in bundle.checklist],
        "findings": [f.model_dump() for f in bundle.report.findings],
        "intake": intake,
    }
    secrets = [
        f"{s['namespace']}/{s['name']}" for s in json.loads(bundle.files["report.json"]).get("secrets", [])
    ]
    data["external_secrets"] = (
        secrets  # created by secrets.sh; what aigw_validate needs to re-check the bundle
    )
    lines = [bundle.summary(), *(item.markdown() for item in bundle.checklist)]
    lines += [f"{f.severity}: {f.resource}: {f.path}: {f.message}" for f in bundle.report.findings]
    if ignored:  # answers left out of this bundle (their round is not asked): said, never silently
        data["ignored"] = [p.to_dict() for p in ignored]
        lines.append(ignored_line(ignored))
    if secrets:
        lines.append(
            "secrets.sh creates " + ", ".join(secrets) + f" at apply time; to re-check manifests.yaml with "
            f"aigw_validate, pass external_secrets: {json.dumps(secrets)}."
        )
    if inp.output_dir:
        try:
            target, written = await _write(ctx, bundle, inp.output_dir, inp.force)
        except (BundleExistsError, OSError, ValueError) as exc:
            text = str(exc).replace("use --force", "pass force: true").replace("--force", "force")
            return _error(f"Cannot write the bundle: {text}", carried | {"intake": intake})
        data |= {"output_dir": str(target), "written": written, "next": NEXT_COMMAND.format(dir=target)}
        lines += [f"Wrote {len(written)} files to {target}.", f"Next: {data['next']}"]
    else:
        data["files"] = bundle.files
        data["next"] = (
            "aigw-skills build intake.yaml -o aigw-bundle (intake.yaml: the `intake` of this result)"
        )
        lines += [
            f"The {len(bundle.files)} files are in this result's structuredContent.files "
            f"({', '.join(bundle.files)}).",
            f"To put them on disk, {CALL} plus output_dir, or save `intake` as intake.yaml and run: "
            f"{data['next'].split(' (')[0]}; then {NEXT_COMMAND.format(dir='aigw-bundle')}",
        ]
    return _result("\n".join(lines), data)


async def run(arguments: dict[str, Any], ctx: Context) -> CallToolResult | InputRequiredResult:
    from orchestrator.intake.build_check import to_intake
    from orchestrator.intake.prefill import orchestrate_input, prefill_fields, prefill_rounds, unused_prefill
    from server.mcp.conversation import converse
    from server.mcp.tools import input_problem_text
    from skills.errors import InputError, Problem

    model = orchestrate_input()
    try:
        inp: Any = model.parse(coerce_json_strings(arguments, model), skill="aigw-orchestrator")
    except InputError as exc:
        key = "intake" if isinstance(arguments.get("intake"), dict) else "answers"
        carried = {key: _scrub(arguments.get(key) or {})}
        return _error(input_problem_text(exc, NAME).split("\nFix the field")[0], carried)
    if inp.intake is not None:
        mixed = [name for name in prefill_fields() if getattr(inp, name) is not None]
        mixed += ["answers"] if inp.answers else []
        if mixed:  # a complete intake asks nothing, so these would be silently ignored
            problems = [
                Problem(name, "given with `intake`, which is complete and would ignore it", expected=MIXED)
                for name in mixed
            ]
            return _error(str(InputError(problems, skill="aigw-orchestrator")), {"intake": dict(inp.intake)})
        return await _build(ctx, dict(inp.intake), inp, {"intake": dict(inp.intake)})
    try:
        outcome = await converse(ctx, inp.answers, prefill_rounds(inp))
    except InputError as exc:  # answers naming a round that does not exist
        return _error(str(exc), {"answers": _scrub(dict(inp.answers or {}))})
    if isinstance(outcome, InputRequiredResult):
        return outcome
    state, conv = outcome
    if not state.complete:
        return needs_input(state, conv.stopped)
    unused = unused_prefill(inp, state.answers)
    if unused:  # building would silently leave out what the user asked for
        return _error(str(InputError(unused, skill="aigw-orchestrator")), {"answers": state.answers})
    return await _build(ctx, to_intake(state.answers), inp, {"answers": state.answers}, state.ignored)


def compute_schema() -> dict[str, Any]:
    """The tool's input schema, built from the orchestrator's input model (what schema_cache stores)."""
    from orchestrator.intake.prefill import orchestrate_input
    from server.mcp.schema_shape import compact

    built: dict[str, Any] = compact(orchestrate_input().model_json_schema())
    built.pop("description", None)
    # compact() drops null arms, but a round's answer may be null (an optional round skipped).
    built["properties"]["answers"]["additionalProperties"] = {"anyOf": [{"type": "object"}, {"type": "null"}]}
    return built


def orchestrate_tool() -> Tool:
    """The tool, with the orchestrator's input model as its input schema (the body parses the arguments)."""
    from server.mcp import schema_cache

    schema = schema_cache.load("orchestrate-schema")
    return Tool(
        fn=run,
        name=NAME,
        title="Set up AI Gateway end to end",
        description=DESCRIPTION,
        parameters=schema,
        fn_metadata=FuncMetadata(arg_model=RawArguments, output_schema=None),
        is_async=True,
        context_kwarg="ctx",
        annotations=ToolAnnotations(
            read_only_hint=False, idempotent_hint=True, destructive_hint=False, open_world_hint=False
        ),
    )
