"""The layers (pyproject's [tool.importlinter]): core <- orgs <- accounts <- dossier <- review <- applications <-
zhicheng, each importing only the layers below it, and no app importing the tests. `make lint` checks the same
contracts; here a pytest run sees a broken layer too (the captured output names the import that breaks it)."""

from pathlib import Path

from importlinter.application.use_cases import SUCCESS, lint_imports
from importlinter.configuration import configure

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_import_contracts_are_kept():
    configure()

    assert lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True) == SUCCESS
