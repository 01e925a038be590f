"""``kelisim --version`` says the installed version, from the package metadata."""
import subprocess
import sys


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"kelisim {version('kelisim')}"
