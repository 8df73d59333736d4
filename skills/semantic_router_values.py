"""The vLLM Semantic Router's own config: the models it may select and the signals that select each one.

Rendered as Helm values for the router chart in the shape of upstream
deploy/kubernetes/ai-gateway/semantic-router-values/values.yaml (canonical config v0.3). The router checks the
config at startup (semantic-router src/semantic-router/pkg/config/canonical_config.go, validateCanonicalContract):
``default_model`` and every decision's model must be ``routing.modelCards`` entries and every
``providers.models`` entry must match a card, so every selectable model gets a card, a provider entry and one
decision here. Helm replaces lists instead of merging them, so the values carry every list the chart fills
with placeholders.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from skills.errors import Problem
from skills.model import InputModel
from skills.render import render_text
from skills.types import ModelName, PlainValue, RouterKeyword

SKILL = "aigw-semantic-router"
AUTO_MODEL = "MoM"
VALUES_FILE = "semantic-router-values.yaml"

# The labels the router's domain classifier emits (semantic-router pkg/config/domain_contract.go,
# supportedRoutingDomains): a domain condition only ever matches one of these.
Domain = Literal[
    "biology",
    "business",
    "chemistry",
    "computer science",
    "economics",
    "engineering",
    "health",
    "history",
    "law",
    "math",
    "other",
    "philosophy",
    "physics",
    "psychology",
]
DOMAIN_DESCRIPTIONS: dict[str, str] = {
    "biology": "Molecular biology, genetics, cell biology, ecology, evolution, anatomy",
    "business": "Business, corporate strategy, management, finance, marketing",
    "chemistry": "Chemical reactions, molecular structures, laboratory techniques",
    "computer science": "Algorithms, data structures, programming, software engineering",
    "economics": "Microeconomics, macroeconomics, financial markets, monetary policy, trade",
    "engineering": "Engineering disciplines, design, problem-solving, systems",
    "health": "Anatomy, physiology, diseases, treatments, preventive care, nutrition",
    "history": "Historical events, time periods, cultures, civilizations",
    "law": "Legal principles, case law, statutory interpretation, legal procedures",
    "math": "Mathematics, algebra, calculus, geometry, statistics",
    "other": "General knowledge and miscellaneous topics",
    "philosophy": "Philosophical traditions, ethics, logic, metaphysics, epistemology",
    "physics": "Physical laws, mechanics, thermodynamics, electromagnetism, quantum physics",
    "psychology": "Cognitive processes, behavioral patterns, mental health, developmental psychology",
}
# The chart's reasoning families (providers.defaults.reasoning_families, kept by Helm's map merge).
ReasoningFamily = Literal["deepseek", "qwen3", "gpt-oss", "gpt"]
CATCH_ALL_PRIORITY = 1  # below every signal decision, so it only wins when nothing else matches

_SHORTHAND = re.compile(r"^(?P<name>[^=]+)(=(?P<domains>[^=]*))?\Z")


class RouterModel(InputModel):
    """A model name the router may select, and the signals that select it. Also accepts 'name[=domain,domain]'."""

    name: ModelName = Field(
        description="Model name the router writes into the request (a route rule matches it)"
    )
    domains: list[Domain] = Field(
        default_factory=list, max_length=14, description="Prompt domains (classifier labels) that select it"
    )
    keywords: list[RouterKeyword] = Field(
        default_factory=list,
        max_length=64,
        description="Words in the prompt that select it (case-insensitive)",
    )
    priority: int = Field(
        10, ge=2, le=1000, description="Higher wins when several models' signals match (1 is the catch-all)"
    )
    use_reasoning: bool = Field(False, description="Ask the model to reason (needs reasoning_family)")
    reasoning_family: ReasoningFamily | None = Field(
        None, description="How the model is told to reason: deepseek, qwen3, gpt-oss or gpt"
    )
    description: PlainValue | None = Field(None, description="Model card description (one line)")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        match = _SHORTHAND.match(data.strip())
        if not match:
            raise ValueError(
                f"router model {data!r} must look like 'name' or 'name=domain,domain', e.g. 'math-expert=math,physics'"
            )
        domains = [d.strip() for d in (match["domains"] or "").split(",") if d.strip()]
        return {"name": match["name"].strip(), "domains": domains}

    @model_validator(mode="after")
    def _reasoning(self) -> RouterModel:
        if self.use_reasoning and self.reasoning_family is None:
            raise ValueError(
                "use_reasoning needs reasoning_family (how the router asks this model to reason)"
            )
        return self

    @property
    def has_signals(self) -> bool:
        return bool(self.domains or self.keywords)


class RouterValues(InputModel):
    """What the router may choose from: its models and their signals, its fallback and its auto model name."""

    models: list[RouterModel] = Field(
        min_length=1, max_length=64, description="Models the router may select, each with its signals"
    )
    default_model: ModelName | None = Field(
        None,
        description="Model used when no signal matches (default: the one model without signals, else the first)",
    )
    auto_model_name: ModelName = Field(
        AUTO_MODEL,
        description="Model name clients send to let the router choose (MoM; docs also use vllm-sr/auto)",
    )
    streamed_body: bool = Field(False, description="Router reads the request body streamed (STREAMED mode)")

    @property
    def fallback(self) -> str:
        if self.default_model:
            return self.default_model
        plain = [m.name for m in self.models if not m.has_signals]
        return plain[0] if len(plain) == 1 else self.models[0].name


def values_problems(values: RouterValues, prefix: str = "") -> list[Problem]:
    """Why the router would refuse this config, or never select one of its models."""
    at = f"{prefix}." if prefix else ""
    problems: list[Problem] = []
    names = [m.name for m in values.models]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(f"{at}models", f"model {name!r} is listed twice (one card per model)", name))
    if values.fallback not in names:
        problems.append(
            Problem(
                f"{at}default_model",
                f"{values.fallback!r} is not one of the router's models; the router refuses a default_model "
                "that is not in routing.modelCards",
                values.fallback,
                ", ".join(names),
            )
        )
    for index, model in enumerate(values.models):
        if model.name == values.auto_model_name:
            problems.append(
                Problem(
                    f"{at}models[{index}].name",
                    "that is the auto model name, which the router replaces; it cannot also be a model it selects",
                    model.name,
                )
            )
        if not model.has_signals and model.name != values.fallback:
            problems.append(
                Problem(
                    f"{at}models[{index}]",
                    f"no domains or keywords: the router never selects {model.name!r} for "
                    f"{values.auto_model_name!r} requests",
                    model.name,
                    "domains (e.g. math) or keywords that select it, or make it the default_model",
                )
            )
    return problems


def _decision(model: RouterModel, fallback: str) -> dict[str, Any]:
    conditions = [{"type": "domain", "name": d} for d in model.domains]
    if model.keywords:
        conditions.append({"type": "keyword", "name": f"{model.name}-keywords"})
    catch_all = not conditions  # only the default model may have none (values_problems)
    return {
        "name": f"{model.name}-decision",
        "description": model.description
        or (f"Everything else goes to {fallback}" if catch_all else f"Prompts that select {model.name}"),
        "priority": CATCH_ALL_PRIORITY if catch_all else model.priority,
        "operator": "AND" if catch_all else "OR",
        "conditions": conditions,
        "model": model.name,
        "use_reasoning": model.use_reasoning,
    }


def render_values(values: RouterValues) -> str:
    """The chart values: one card, one provider entry and one decision per model. Check values_problems first."""
    domains = sorted({d for m in values.models for d in m.domains})
    return render_text(
        SKILL,
        "semantic-router-values.yaml.j2",
        models=values.models,
        default_model=values.fallback,
        domains=domains,
        domain_descriptions=DOMAIN_DESCRIPTIONS,
        keyword_rules=[
            {"name": f"{m.name}-keywords", "keywords": list(m.keywords)} for m in values.models if m.keywords
        ],
        decisions=[_decision(m, values.fallback) for m in values.models],
        auto_model_name=values.auto_model_name,
        streamed=values.streamed_body,
    )
