"""Every component wires itself in a ``bootstrap`` module of one shape, which the
composition root (kelisim_platform) is the only one to call."""
import importlib

import pytest

from kelisim.config import COMPONENTS
from kelisim_platform.cli.components import BOOTSTRAPS, service_class, settings_problem


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_has_a_bootstrap_of_the_same_shape(component):
    module = importlib.import_module(BOOTSTRAPS[component])
    for function in ("service_class", "settings_problem", "load_reference_data"):
        assert callable(getattr(module, function, None)), f"{module.__name__}.{function}"
    assert service_class(component).name == component
    assert settings_problem(component, {}) is None


def test_the_gateway_refuses_a_wildcard_origin_before_starting():
    assert settings_problem("gateway", {"CORS_ORIGINS": "*"})


def test_components_without_reference_data_add_no_rows():
    assert importlib.import_module(BOOTSTRAPS["notifications"]).load_reference_data() == 0
    assert importlib.import_module(BOOTSTRAPS["gateway"]).load_reference_data() == 0
