from tests.chain.conftest import _applications_environment, org  # noqa: F401 — the chain tests' fixtures
