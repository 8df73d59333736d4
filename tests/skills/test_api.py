"""skills.api: one function per atomic skill in the catalog, each the skill's builder with keyword fields."""

from __future__ import annotations

import inspect

import pytest

from skills import api
from skills.catalog import atomic_skills
from skills.errors import InputError


def function_name(command: str) -> str:
    return command.replace("-", "_")


def test_every_atomic_skill_has_its_function_and_input_model_exported() -> None:
    for entry in atomic_skills():
        assert entry.command and entry.input_model
        name = function_name(entry.command)
        assert name in api.__all__ and inspect.isfunction(getattr(api, name)), name
        model = entry.input_model.split(":")[1]
        assert model in api.__all__ and getattr(api, model) is entry.load_model(), model
    assert {n for n in api.__all__ if inspect.isfunction(getattr(api, n))} == {
        *(function_name(str(e.command)) for e in atomic_skills()),
        "providers",
        "version_matrix",
    }


@pytest.mark.parametrize("entry", atomic_skills(), ids=lambda e: e.name)
def test_each_function_calls_its_skills_builder(entry) -> None:  # type: ignore[no-untyped-def]
    function = getattr(api, function_name(str(entry.command)))
    with pytest.raises(InputError) as exc:
        function(no_such_field=1)
    assert exc.value.skill == entry.name
    assert [p.path for p in exc.value.problems if p.path == "no_such_field"] == ["no_such_field"]
