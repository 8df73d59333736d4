"""The rate-limit addon's Redis: our own minimal Namespace, Service and Deployment (pinned image), or the user's.

Envoy Gateway's rate limit service keeps Global rate limit counters (token budgets) in Redis; its address goes
into the Envoy Gateway values as config.envoyGateway.rateLimit.backend.redis.url.
"""

from __future__ import annotations

from skills import shell
from skills.render import join_documents, render_object
from skills.result import Step

SKILL = "aigw-install"
REDIS_FILE = "redis.yaml"
REDIS_NAMESPACE = "redis-system"
REDIS_NAME = "redis"
REDIS_PORT = 6379
REDIS_IMAGE = "docker.io/library/redis:7.4.5-alpine"
DEFAULT_REDIS_URL = f"{REDIS_NAME}.{REDIS_NAMESPACE}.svc.cluster.local:{REDIS_PORT}"


def redis_manifests() -> str:
    """Namespace, Service and Deployment for a single in-cluster Redis."""
    common = {"name": REDIS_NAME, "namespace": REDIS_NAMESPACE, "port": REDIS_PORT}
    rendered = [
        render_object(SKILL, "redis-namespace.yaml.j2", namespace=REDIS_NAMESPACE),
        render_object(SKILL, "redis-service.yaml.j2", **common),
        render_object(SKILL, "redis-deployment.yaml.j2", image=REDIS_IMAGE, **common),
    ]
    return join_documents([text for _, text in rendered])


def redis_plan(own_url: str | None, timeout: str) -> tuple[list[Step], list[Step], dict[str, str]]:
    """(install steps, uninstall steps, files): deploy our Redis unless the user points at their own."""
    if own_url:
        return [], [], {}
    install = [
        Step(
            title=f"Deploy Redis ({REDIS_IMAGE}) in {REDIS_NAMESPACE} for the rate limit service",
            command=shell.command("kubectl", "apply", "-f", REDIS_FILE),
            why="Global rate limits (token budgets) are counted in Redis; Envoy Gateway's values point at it",
        ),
        Step(
            title="Wait for Redis",
            command=shell.command(
                "kubectl",
                "wait",
                f"--timeout={timeout}",
                "-n",
                REDIS_NAMESPACE,
                f"deployment/{REDIS_NAME}",
                "--for=condition=Available",
            ),
            why="The rate limit service fails requests it cannot count while Redis is down",
        ),
    ]
    uninstall = [
        Step(
            title="Remove the rate limit Redis",
            command=shell.command("kubectl", "delete", "--ignore-not-found", "-f", REDIS_FILE),
            why="Only after Envoy Gateway no longer uses it",
        )
    ]
    return install, uninstall, {REDIS_FILE: redis_manifests()}
