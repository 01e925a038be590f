"""Every component wires itself in a ``bootstrap`` module of one shape, which the
composition root (kelisim_platform) is the only one to call."""
import importlib
import re
from pathlib import Path

import pytest

import kelisim
from kelisim.config import COMPONENTS
from kelisim.db import migrate
from kelisim_platform.cli.components import BOOTSTRAPS, service_class, settings_problem


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_has_a_bootstrap_of_the_same_shape(component):
    module = importlib.import_module(BOOTSTRAPS[component])
    for function in ("service_class", "migrations", "load_reference_data"):
        assert callable(getattr(module, function, None)), f"{module.__name__}.{function}"
    assert service_class(component).name == component
    assert settings_problem(component, {}) is None


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_registers_its_own_migrations(component):
    scripts = Path(importlib.import_module(BOOTSTRAPS[component]).migrations())
    assert migrate.scripts_of(component) == scripts
    assert (scripts / "env.py").is_file() and (scripts / "versions").is_dir()


def test_the_core_names_no_components_package():
    pattern = re.compile(r"""["'](services|gateway)\.|f["']services\.\{""")
    named = [str(path) for path in Path(kelisim.__file__).parent.rglob("*.py")
             if pattern.search(path.read_text(encoding="utf-8"))]
    assert named == []


def test_an_unregistered_component_has_no_migrations():
    with pytest.raises(LookupError, match="no migrations registered for 'nowhere'"):
        migrate.alembic_config("nowhere")


def test_the_gateway_refuses_a_wildcard_origin_before_starting():
    assert settings_problem("gateway", {"CORS_ORIGINS": "*"})


def test_components_without_reference_data_add_no_rows():
    assert importlib.import_module(BOOTSTRAPS["notifications"]).load_reference_data() == 0
    assert importlib.import_module(BOOTSTRAPS["gateway"]).load_reference_data() == 0


def test_every_script_that_migrates_registers_the_migrations_first():
    """bench/ scripts run outside the suite (whose conftest registers them) and the platform."""
    bench = Path(kelisim.__file__).parent.parent / "bench"
    unregistered = [path.name for path in sorted(bench.glob("*.py"))
                    if "migrate.upgrade(" in (text := path.read_text(encoding="utf-8"))
                    and "from kelisim_platform.cli import components" not in text]
    assert unregistered == []
