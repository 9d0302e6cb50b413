"""结果公示 tests: the review chain's `org` (units, staff, an open plan) with results the committee has passed."""

import pytest

from applications.models import Application
from tests.chain.conftest import _applications_environment, org  # noqa: F401 — the chain tests' fixtures
from tests.chain.support import filed


@pytest.fixture
def passed(org):  # noqa: F811 — the fixture imported above
    """Two results the committee passed, waiting for the bureau's confirmation."""
    org.nurse = filed(org, name="林芳", status=Application.Status.PASSED)
    org.other = filed(org, name="王强", status=Application.Status.PASSED)
    return org
