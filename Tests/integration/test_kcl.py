"""The real KCL 3 MultiLangDaemon consuming from Eddy alone (scripts/kcl-check.py): POLLING,
10,000 records over 4 shards, a kill -9 of the daemon and a restart from its checkpoints."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import EDDY_BIN, ROOT


@pytest.mark.skipif(shutil.which("java") is None, reason="KCL's MultiLangDaemon needs a JDK (java on PATH)")
def test_kcl_consumes_everything_once_in_order_across_a_kill_9():
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "kcl-check.py"), "--eddy", EDDY_BIN, "--timeout", "300"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 failed" in result.stdout
