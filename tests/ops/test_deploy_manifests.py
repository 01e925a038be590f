"""deploy/compose and deploy/kubernetes are consistent with the code, checked offline:
every component runs `kelisim serve` with the settings it reads, ports match the
exporters and the Prometheus configs, every file they mount exists, every KELISIM_*
variable they set is one the code reads; and, when the tools are installed (make
check-deploy installs them), docker-compose v1 and kubernetes-validate accept them."""
import re
import shutil
import subprocess

import pytest
import yaml

from kelisim import config
from kelisim_platform.cli.main import build_parser
from tests.ops.promql import DEPLOY, ROOT

COMPOSE = DEPLOY / "compose" / "compose.yaml"
KUBERNETES = DEPLOY / "kubernetes"
SOURCES = [p for folder in ("kelisim", "services", "gateway") for p in (ROOT / folder).rglob("*.py")]
PER_COMPONENT = re.compile(
    rf"KELISIM_({'|'.join(c.upper() for c in config.COMPONENTS)})_(DATABASE_URL|METRICS_PORT)")
PORTS = dict(config.DEFAULT_METRICS_PORTS, gateway=8000)


def read_code():
    return "\n".join(path.read_text() for path in SOURCES)


def assert_read_by_the_code(names, code):
    for name in names:
        assert PER_COMPONENT.fullmatch(name) or f'"{name}"' in code, f"{name} is read nowhere"


def documents(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def manifests():
    found = {}
    for path in sorted(KUBERNETES.rglob("*.yaml")):
        for doc in documents(path):
            if "kind" in doc and doc["kind"] != "Kustomization":
                found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def test_compose_runs_every_component_with_its_settings(compose):
    services = compose["services"]
    code = read_code()
    assert {"rabbitmq", "postgres", "migrate", "prometheus", "grafana"} <= set(services)
    created = set(re.findall(r"CREATE DATABASE (\w+);",
                             (DEPLOY / "compose/postgres/create-databases.sql").read_text()))
    for component in config.COMPONENTS:
        service = services[component]
        assert service["command"] == ["serve", component]
        env = service["environment"]
        assert env["KELISIM_METRICS_HOST"] == "0.0.0.0"
        assert "KELISIM_AMQP_URI" in env and "healthcheck" in service
        assert env[f"KELISIM_{component.upper()}_DATABASE_URL"].rsplit("/", 1)[1] in created
        assert_read_by_the_code([n for n in env if n.startswith("KELISIM_")], code)
        if component != "gateway":
            assert service["expose"] == [str(PORTS[component])]
            assert env["PROBE_PORT"] == str(PORTS[component])
            assert "/ready" in " ".join(service["healthcheck"]["test"])
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["entrypoint"] == ["kelisim", "prepare"]
    assert build_parser().parse_args(["prepare"]).command == "prepare"


def test_compose_refers_only_to_what_exists(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), (name, source)
            else:
                assert source in compose["volumes"], (name, source)
        build = service.get("build")
        if build:
            assert (COMPOSE.parent / build["context"] / build["dockerfile"]).is_file()


def test_prometheus_finds_every_component_on_its_port():
    for path in (DEPLOY / "prometheus/prometheus.yml", DEPLOY / "prometheus/kubernetes.yml"):
        [job] = [job for job in yaml.safe_load(path.read_text())["scrape_configs"]
                 if job["job_name"] == "kelisim"]
        targets = {entry["names"][0].split("-metrics")[0].split(".")[0]: entry["port"]
                   for entry in job["dns_sd_configs"]}
        assert targets == PORTS, path.name


def test_every_component_is_a_deployment_with_probes_resources_and_replicas(manifests):
    code = read_code()
    configured = manifests[("ConfigMap", "kelisim-config")]["data"]
    secret = manifests[("Secret", "kelisim-secrets")]["stringData"]
    assert_read_by_the_code(list(configured) + list(secret), code)
    assert {f"KELISIM_{c.upper()}_DATABASE_URL" for c in config.COMPONENTS} | {
        "KELISIM_AMQP_URI", "KELISIM_ADMIN_TOKEN"} <= set(secret)
    for component in config.COMPONENTS:
        deployment = manifests[("Deployment", component)]
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["args"] == ["serve", component]
        assert deployment["spec"]["replicas"] >= 2
        assert deployment["spec"]["selector"]["matchLabels"].items() <= \
            deployment["spec"]["template"]["metadata"]["labels"].items()
        assert {ref.get("configMapRef", ref.get("secretRef"))["name"]
                for ref in container["envFrom"]} == {"kelisim-config", "kelisim-secrets"}
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert PORTS[component] in ports.values()
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["port"] in ports, (component, probe)
        assert set(container["resources"]) == {"requests", "limits"}
        assert pod["terminationGracePeriodSeconds"] >= 30
        metrics = manifests[("Service", f"{component}-metrics")]
        assert metrics["spec"]["clusterIP"] == "None"
        assert metrics["spec"]["ports"][0]["port"] == PORTS[component]
        assert ("PodDisruptionBudget", component) in manifests
    assert [c["name"] for c in manifests[("Job", "kelisim-migrate")]["spec"]["template"]["spec"]
            ["containers"]] == ["migrate"]


def test_kustomizations_list_files_that_exist():
    for path in KUBERNETES.rglob("kustomization.yaml"):
        for resource in yaml.safe_load(path.read_text())["resources"]:
            assert (path.parent / resource).is_file(), (path, resource)


def test_docker_compose_accepts_the_file():
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.skip("docker-compose (Debian's, v1) not installed: make check-deploy installs it")
    result = subprocess.run([tool, "-p", "kelisim", "-f", str(COMPOSE), "config", "-q"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_kubernetes_schemas_accept_the_manifests():
    validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate not installed: make check-deploy")
    for path in sorted(KUBERNETES.rglob("*.yaml")):
        for doc in documents(path):
            if doc.get("kind") != "Kustomization":
                validate.validate(doc, "1.30", strict=True)
