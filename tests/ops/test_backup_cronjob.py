"""deploy/kubernetes/backup: the nightly pg_dump CronJob dumps every component's database
from the Secret the services read, keeps them KEEP_DAYS days, and never runs twice at once."""
import yaml

from kelisim import config
from kelisim_platform import backup
from tests.ops.promql import DEPLOY

FOLDER = DEPLOY / "kubernetes" / "backup"


def test_the_cronjob_dumps_every_database_and_prunes_old_dumps():
    docs = {doc["kind"]: doc for doc in yaml.safe_load_all((FOLDER / "cronjob.yaml").read_text())}
    cron = docs["CronJob"]["spec"]
    assert cron["concurrencyPolicy"] == "Forbid"
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    script = container["args"][0]
    order = [c.upper() for c in backup.ORDER]
    assert set(backup.ORDER) == set(config.COMPONENTS)
    assert f"for component in {' '.join(order)}; do" in script  # consumers first
    assert "KELISIM_${component}_DATABASE_URL" in script and "pg_dump" in script
    assert "-mtime \"+$KEEP_DAYS\"" in script
    assert {e["name"]: e["value"] for e in container["env"]}["KEEP_DAYS"].isdigit()
    assert container["envFrom"] == [{"secretRef": {"name": "kelisim-secrets"}}]
    [claim] = [v for v in pod["volumes"] if "persistentVolumeClaim" in v]
    assert claim["persistentVolumeClaim"]["claimName"] == \
        docs["PersistentVolumeClaim"]["metadata"]["name"]
    assert yaml.safe_load((FOLDER / "kustomization.yaml").read_text())["resources"] == [
        "cronjob.yaml"]
