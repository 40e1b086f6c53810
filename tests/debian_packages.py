"""Debian packages some tests need outside the virtual environment (``dot`` from
graphviz, ``/usr/bin/chromium``), installed by ``scripts/ensure-debian-packages.sh``
when missing (idempotent; needs root and apt-get, as in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "ensure-debian-packages.sh"
COMMANDS = {"graphviz": "dot", "chromium": "chromium"}


def ensure(package: str) -> str:
    """The path of ``package``'s command, installing the package first when missing.

    :param package: ``graphviz`` or ``chromium``.
    :returns: the command's absolute path.
    :raises pytest.fail.Exception: in CI (``CI`` set), when it cannot be installed;
        elsewhere the test is skipped, saying what to install.
    """
    found = shutil.which(COMMANDS[package])
    if found:
        return found
    done = subprocess.run(
        ["sh", str(SCRIPT), package], capture_output=True, text=True, timeout=900, check=False
    )
    found = shutil.which(COMMANDS[package])
    if found:
        return found
    why = f"{package} is not installed and {SCRIPT.name} could not install it: {done.stderr[-500:]}"
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)
