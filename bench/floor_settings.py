"""The floor of `make bench-load`: the production settings (the stack's environment) with bench.urls, whose floor
view returns a saved page's bytes from memory, served by its own gunicorn instance behind the stack's nginx
(scripts/prod_smoke.py). The production URLconf never mounts it."""

from zhicheng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
