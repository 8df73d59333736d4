"""`aigw-skills plan BUNDLE`: what applying a bundle would change, from a server-side dry run and diff.

kubectl does the work against the live cluster (orchestrator/analysis/kubectl.py): `kubectl apply --dry-run=server`
for the per-object verdict and the API server's errors (schema, CEL, admission), and `kubectl diff`, whose live
and merged objects are compared here field by field. The summary names each object created, changed (which fields)
or unchanged, and calls out lists the apply replaces wholesale: for custom resources `kubectl apply` sends a JSON
merge patch, which replaces a list as a whole, so entries added on the cluster (another rule, another listener)
disappear. Values are never shown, only field paths.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from orchestrator.analysis.doctor.options import ContextName, LocalPath
from skills.model import InputModel

Action = Literal["created", "changed", "unchanged", "error"]

# Lists users most often lose: a route's rules and a Gateway's listeners (group-less kinds match any group).
WHOLESALE = {
    "Gateway": "spec.listeners",
    "AIGatewayRoute": "spec.rules",
    "HTTPRoute": "spec.rules",
    "GRPCRoute": "spec.rules",
    "MCPRoute": "spec.backendRefs",
}
VOLATILE_METADATA = ("resourceVersion", "generation", "uid", "creationTimestamp", "managedFields", "selfLink")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_APPLY_LINE = re.compile(
    r"^(?P<res>[a-z0-9.-]+)/(?P<name>\S+) (?P<verb>created|configured|unchanged) \(server dry run\)$"
)
_NO_KIND = re.compile(
    r'resource mapping not found for name: "(?P<name>[^"]+)".*no matches for kind "(?P<kind>[^"]+)" in version "(?P<version>[^"]+)"'
)
_INVALID = re.compile(
    r'(?P<kind>[A-Z][A-Za-z0-9]*)(?:\.[a-z0-9.-]+)? "(?P<name>[^"]+)" (?P<why>(?:is (?:invalid|forbidden)|was denied)\b.*)$'
)


class PlanInput(InputModel):
    """The bundle to plan and the cluster to plan it against."""

    bundle: LocalPath = Field(description="Bundle directory (kustomization), manifest directory or file")
    context: ContextName | None = Field(None, description="kubectl context [current context]")
    kubeconfig: LocalPath | None = Field(None, description="kubeconfig file [kubectl's default]")


class ListReplacement(BaseModel):
    path: str = Field(description="The list field, e.g. spec.rules")
    live: list[str] = Field(description="Entries on the cluster now (names, or positions)")
    after: list[str] = Field(description="Entries after the apply")
    dropped: list[str] = Field(description="Entries on the cluster that the apply removes")


class PlannedObject(BaseModel):
    object: str = Field(description="Kind/namespace/name")
    action: Action
    apply: str | None = Field(
        None, description="kubectl apply's dry-run verdict (created, configured, unchanged)"
    )
    fields: list[str] = Field(default_factory=list, description="Changed field paths (values are not shown)")
    replaces: list[ListReplacement] = Field(
        default_factory=list, description="Lists the apply replaces wholesale"
    )
    error: str | None = None


class PlanReport(BaseModel):
    bundle: str
    ok: bool = Field(description="The server accepted every object in the dry run")
    objects: list[PlannedObject]
    errors: list[str] = Field(description="Dry-run errors kubectl reported, per object where it said which")
    summary: str
    next: str = Field(description="What to run next")


def parse_diff_name(filename: str) -> tuple[str, str, str, str | None, str] | None:
    """(group, version, kind, namespace, name) from kubectl diff's file name `group.version.Kind.namespace.name`."""
    tokens = filename.split(".")
    for i, token in enumerate(tokens):
        if token[:1].isupper() and i >= 1 and len(tokens) > i + 2:
            group = ".".join(tokens[: i - 1])
            return group, tokens[i - 1], token, tokens[i + 1] or None, ".".join(tokens[i + 2 :])
    return None


def _normalise(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        return {}
    out = {k: v for k, v in doc.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    for key in VOLATILE_METADATA:
        meta.pop(key, None)
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    out["metadata"] = meta
    return out


def _key_of(items: list[Any]) -> str | None:
    names = [i.get("name") for i in items if isinstance(i, dict)]
    if (
        names
        and len(names) == len(items)
        and all(isinstance(n, str) for n in names)
        and len(set(names)) == len(names)
    ):
        return "name"
    return None


def _entries(items: list[Any]) -> list[str]:
    key = _key_of(items)
    return [str(i["name"]) for i in items] if key else [f"#{n}" for n in range(len(items))]


def changed_paths(live: Any, merged: Any, path: str = "") -> list[str]:
    """Field paths whose values differ, marked "(added)" or "(removed)" when the whole field or keyed entry is new
    or gone; keyed lists (items with unique names) compare item by item."""
    if isinstance(live, dict) and isinstance(merged, dict):
        out: list[str] = []
        for key in sorted(set(live) | set(merged)):
            out += changed_paths(live.get(key), merged.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(live, list) and isinstance(merged, list) and _key_of(live) and _key_of(merged):
        old = {i["name"]: i for i in live}
        new = {i["name"]: i for i in merged}
        out = []
        for name in sorted(set(old) | set(new)):
            out += changed_paths(old.get(name), new.get(name), f"{path}[name={name}]")
        return out
    if live == merged:
        return []
    if live is None:
        return [f"{path} (added)"]
    if merged is None:
        return [f"{path} (removed)"]
    return [path]


def list_replacements(kind: str, live: Any, merged: Any, path: str = "") -> list[ListReplacement]:
    """Lists that differ and either lose entries or are one of the lists users rely on (WHOLESALE)."""
    out: list[ListReplacement] = []
    if isinstance(live, dict) and isinstance(merged, dict):
        for key in sorted(set(live) & set(merged)):
            out += list_replacements(kind, live[key], merged[key], f"{path}.{key}" if path else key)
    elif isinstance(live, list) and isinstance(merged, list) and live != merged:
        before, after = _entries(live), _entries(merged)
        if _key_of(live) and _key_of(merged):
            dropped = [e for e in before if e not in after]
        else:
            dropped = [f"#{n}" for n, item in enumerate(live) if item not in merged]
        if dropped or WHOLESALE.get(kind) == path:
            out.append(ListReplacement(path=path, live=before, after=after, dropped=dropped))
    return out


def parse_apply(
    stdout: str, stderr: str
) -> tuple[dict[tuple[str, str], str], list[tuple[tuple[str, str] | None, str]]]:
    """kubectl apply's verdicts by (resource, name), and its errors with the (Kind, name) they name, if any (without
    kubectl's advice about its own flags, which plan does not have)."""
    from orchestrator.analysis.kubectl import without_flag_advice

    verdicts: dict[tuple[str, str], str] = {}
    for line in stdout.splitlines():
        match = _APPLY_LINE.match(line.strip())
        if match:
            verdicts[(match["res"], match["name"])] = match["verb"]
    errors: list[tuple[tuple[str, str] | None, str]] = []
    for line in stderr.splitlines():
        text = without_flag_advice(line.strip())
        # kubectl prints the whole patch it sent before the reason; it can hold Secret data, so only the
        # reason lines are kept.
        if not text or text.startswith(("{", "to:", "Resource:", "Name:", "Warning:")):
            continue
        unknown = _NO_KIND.search(text)
        found = _INVALID.search(text)
        if unknown:
            kind, name = unknown["kind"], unknown["name"]
            why = f'no matches for kind "{kind}" in version "{unknown["version"]}": install its CRDs first'
            errors.append(((kind, name), f'{kind} "{name}": {why}'))
        elif found:
            errors.append(
                ((found["kind"], found["name"]), f'{found["kind"]} "{found["name"]}" {found["why"]}')
            )
        elif text.startswith(("Error from server", "error:")) and "applying patch" not in text:
            errors.append((None, text))
    return verdicts, errors


def _resource_of(kind: str, group: str) -> str:
    return f"{kind.lower()}.{group}" if group else kind.lower()


def _bundle_ref(resource: str, name: str, objects: list[tuple[str, str | None, str]]) -> str:
    """Kind/namespace/name of a bundle object kubectl named as `kind.group/name` (apply prints no namespace)."""
    kind_lower = resource.split(".", 1)[0]
    for kind, namespace, obj_name in objects:
        if kind.lower() == kind_lower and obj_name == name:
            return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
    return f"{kind_lower}/{name}"


def bundle_identities(text: str) -> list[tuple[str, str | None, str]]:
    """(Kind, namespace, name) of every object in a rendered bundle."""
    out: list[tuple[str, str | None, str]] = []
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return out
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict) and doc.get("kind"):
            meta = doc["metadata"]
            out.append((str(doc["kind"]), meta.get("namespace"), str(meta.get("name", ""))))
    return out


def summarise_plan(
    bundle: str,
    apply_stdout: str,
    apply_stderr: str,
    live_files: dict[str, str],
    merged_files: dict[str, str],
    apply_command: str,
    bundle_objects: list[tuple[str, str | None, str]] | None = None,
) -> PlanReport:
    """The plan from kubectl's dry-run output and kubectl diff's live and merged objects (pure)."""
    verdicts, errors = parse_apply(apply_stdout, apply_stderr)
    planned: list[PlannedObject] = []
    for filename in sorted(set(live_files) | set(merged_files)):
        parsed = parse_diff_name(filename)
        if parsed is None:
            continue
        group, _version, kind, namespace, name = parsed
        ref = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
        live = _normalise(yaml.safe_load(live_files.get(filename) or "") or {})
        merged = _normalise(yaml.safe_load(merged_files.get(filename) or "") or {})
        verdict = verdicts.pop((_resource_of(kind, group), name), None)
        if not live.get("kind"):
            planned.append(PlannedObject(object=ref, action="created", apply=verdict))
            continue
        fields = changed_paths(live, merged)
        action: Action = "changed" if fields else "unchanged"
        planned.append(
            PlannedObject(
                object=ref,
                action=action,
                apply=verdict,
                fields=fields,
                replaces=list_replacements(kind, live, merged) if fields else [],
            )
        )
    # Objects kubectl diff could not show (it stops at a failing object) still get apply's verdict.
    for (resource, name), verdict in sorted(verdicts.items()):
        ref = _bundle_ref(resource, name, bundle_objects or [])
        verdict_action: Action = (
            "created" if verdict == "created" else "changed" if verdict == "configured" else "unchanged"
        )
        planned.append(PlannedObject(object=ref, action=verdict_action, apply=verdict))
    messages = []
    for target, text in errors:
        messages.append(text)
        if target is None:
            continue
        for item in planned:
            if item.object.split("/")[0] == target[0] and item.object.endswith("/" + target[1]):
                item.action, item.error = "error", text
                break
        else:
            ref = _bundle_ref(target[0].lower(), target[1], bundle_objects or [])
            planned.append(PlannedObject(object=ref, action="error", error=text))
    # What needs attention first: rejections, then changes, then new objects, then the rest.
    rank = {"error": 0, "changed": 1, "created": 2, "unchanged": 3}
    planned.sort(key=lambda p: (rank[p.action], p.object))
    counts = {
        a: sum(1 for p in planned if p.action == a) for a in ("created", "changed", "unchanged", "error")
    }
    replaced = sum(len(p.replaces) for p in planned)
    untied = sum(1 for target, _ in errors if target is None)
    summary = (
        f"{len(planned)} objects: {counts['created']} created, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged, {counts['error']} rejected"
        + (f"; {replaced} list(s) replaced wholesale" if replaced else "")
        + (f"; {untied} error{'' if untied == 1 else 's'} not tied to one object" if untied else "")
    )
    ok = not messages
    next_step = (
        f"Review the changes, then apply: {apply_command}"
        if ok
        else "Fix the rejected objects (the API server's messages are above), then run aigw-skills plan again"
    )
    return PlanReport(bundle=bundle, ok=ok, objects=planned, errors=messages, summary=summary, next=next_step)


def render_plan(report: PlanReport) -> str:
    lines = [f"aigw-skills plan: {report.bundle}"]
    for item in report.objects:
        lines.append(f"{item.action:<9} {item.object}")
        if item.fields:
            shown = item.fields[:12] + (
                [f"... {len(item.fields) - 12} more"] if len(item.fields) > 12 else []
            )
            lines.append("          fields: " + ", ".join(shown))
        for rep in item.replaces:
            drop = f"; removes {', '.join(rep.dropped)} from the cluster" if rep.dropped else ""
            lines.append(
                f"          ! replaces {rep.path} wholesale: live [{', '.join(rep.live)}] -> [{', '.join(rep.after)}]{drop}"
            )
        if item.error:
            lines.append(f"          {item.error}")
    for text in report.errors:
        if not any(text == item.error for item in report.objects):
            lines.append(f"error     {text}")
    lines += [report.summary, f"Next: {report.next}"]
    return "\n".join(lines) + "\n"


def run_plan(inp: PlanInput) -> PlanReport:
    """Dry-run apply and diff the bundle against the cluster through kubectl (raises KubectlError)."""
    from pathlib import Path

    from orchestrator.analysis.kubectl import Kubectl, KubectlError, plain_reason, source_args

    bundle = Path(inp.bundle).expanduser()
    if not bundle.exists():
        raise KubectlError(f"{inp.bundle}: no such file or directory; give the bundle directory build wrote")
    kubectl = Kubectl(context=inp.context, kubeconfig=inp.kubeconfig)
    applied = kubectl.apply_dry_run(bundle)
    verdicts, errors = parse_apply(applied.stdout, applied.stderr)
    if applied.returncode and not verdicts and not any(target for target, _ in errors):
        # nothing was judged: kubectl itself failed. An unreachable cluster (or none) is said as such; otherwise
        # kubectl could not read the bundle, and its reason (without advice for flags plan lacks) names the file.
        kubectl.check_cluster()
        detail = plain_reason(applied.stderr) or f"exit {applied.returncode}"
        raise KubectlError(f"kubectl apply --dry-run=server could not read {inp.bundle}: {detail}")
    diff, live, merged = kubectl.diff(bundle)
    stderr = applied.stderr if applied.returncode else ""
    if diff.returncode > 1 and not stderr:
        # the dry-run apply passed but the diff failed: a real failure, not an object the server rejects
        kubectl.check_cluster()
        detail = plain_reason(diff.stderr) or f"exit {diff.returncode}"
        raise KubectlError(f"kubectl diff {' '.join(source_args(bundle))} failed: {detail}")
    command = " ".join(
        ["kubectl", *(["--context", inp.context] if inp.context else []), "apply", *source_args(bundle)]
    )
    objects = bundle_identities(kubectl.rendered(bundle))
    return summarise_plan(str(inp.bundle), applied.stdout, stderr, live, merged, command, objects)
