"""The docs are tested: every stage, config key and CLI command is documented."""

from __future__ import annotations

from dataclasses import fields

import pytest

from marsad.cli import main
from marsad.config import Config
from marsad.registry import registry
from marsad.resources import check_manifest

from .conftest import REPO

DOCS = REPO / "docs"


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", registry.names())
def test_docs_every_stage_is_documented(name: str) -> None:
    assert name in _read("architecture.md")


def test_docs_every_config_key_is_documented() -> None:
    docs = _read("config.md")
    toml = (REPO / "marsad" / "default_config.toml").read_text(encoding="utf-8")
    for section in fields(Config):
        for key in getattr(Config(), section.name).__dataclass_fields__:
            assert f"{section.name}.{key}" in docs, (
                f"{section.name}.{key} missing from docs/config.md"
            )
            assert f"{key} =" in toml, f"{key} missing from default_config.toml"


def test_docs_every_cli_command_is_in_the_readme_or_docs() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8") + _read("architecture.md")
    for name in main.commands:
        assert f"marsad {name}" in text


def test_docs_data_manifest_is_current() -> None:
    assert check_manifest() == [], "run: python -m marsad.resources --update"


def test_docs_readme_has_exactly_two_setup_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = quick.split("```bash")[1:]
    assert len(blocks) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = blocks[1].split("```")[0].strip()
    assert test_cmd in ci
