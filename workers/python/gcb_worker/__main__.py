"""`python3 -m gcb_worker` (cwd workers/python, or with it on PYTHONPATH)."""
import os
import shutil
import sys

from .environment import configure

cache = configure()

from .protocol import main  # noqa: E402 (after the environment is set for the frameworks)

code = main()
sys.stderr.flush()
if cache is not None:
    shutil.rmtree(cache, ignore_errors=True)
# No interpreter teardown: framework threads (compile pools, JAX's runtime) can hold it up.
os._exit(code)
