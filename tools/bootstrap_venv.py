"""Create .venv with pip, even where Debian's python3 lacks ensurepip (python3-venv).

Tries the standard library first; if that cannot install pip, creates the
environment without pip and installs pip from its wheel on PyPI.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

PIP_JSON = "https://pypi.org/pypi/pip/json"


def main(target: str) -> None:
    path = Path(target)
    python = path / "bin" / "python"
    if python.exists():
        has_pip = subprocess.run([python, "-m", "pip", "--version"], capture_output=True)
        if has_pip.returncode == 0:
            return
    try:
        venv.create(path, with_pip=True, clear=True)
        return
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(path, ignore_errors=True)
    print("ensurepip is not available; installing pip from its wheel on PyPI", file=sys.stderr)
    venv.create(path, with_pip=False, clear=True)
    with urllib.request.urlopen(PIP_JSON, timeout=60) as response:
        release = json.load(response)
    wheel = next(u for u in release["urls"] if u["packagetype"] == "bdist_wheel")
    with tempfile.TemporaryDirectory() as tmp:
        wheel_path = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=120) as response:  # noqa: S310 (https from PyPI)
            wheel_path.write_bytes(response.read())
        # A pip wheel can run itself: python pip.whl/pip install pip.whl
        subprocess.run(
            [python, str(wheel_path / "pip"), "install", "--no-index", str(wheel_path)],
            check=True,
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".venv")
