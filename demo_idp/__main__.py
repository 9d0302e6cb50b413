"""python -m demo_idp [serve|env|accounts] — the demo identity provider (see the package's docstring).

  serve     (default) prepare the database from the data file and serve on 127.0.0.1:PORT with gunicorn
  env       print the platform's OIDC_* environment for a provider on that port, as shell `export` lines
  accounts  print the provider's accounts and password
"""

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from demo_idp.people import PEOPLE, accounts_text, load, platform_env


def ensure_key(path: Path) -> None:
    """The provider's signing key, made once and kept beside its database."""
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_idp", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "env", "accounts"])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", type=Path, default=Path("var/demo-idp.sqlite3"))
    parser.add_argument("--key", type=Path, default=None, help="RSA key in PEM (default: beside the database)")
    parser.add_argument("--people", type=Path, action="append",
                        help="data file (repeatable: the first gives password and client, each adds people)")
    parser.add_argument("--redirect-uri", action="append", help="the platform's callback (default: the file's)")
    parser.add_argument("--log", type=Path, default=None, help="gunicorn's log file (default: the terminal)")
    args = parser.parse_args(argv)
    people_files = args.people or [PEOPLE]
    base = f"http://127.0.0.1:{args.port}"
    if args.command == "env":
        for name, value in platform_env(load(people_files[0]), base).items():
            print(f"export {name}={shlex.quote(value)}")
        return
    if args.command == "accounts":
        print(accounts_text(load(people_files[0]), base))
        return

    args.db.parent.mkdir(parents=True, exist_ok=True)
    key = args.key or args.db.with_name(args.db.stem + "-key.pem")
    ensure_key(key)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "demo_idp.settings", "IDP_DB": str(args.db.resolve()),
                       "IDP_KEY": str(key.resolve())})
    os.environ.pop("DATABASE_URL", None)
    # The database is prepared in a process of its own, so that gunicorn's workers start from a clean import.
    prepare = [sys.executable, "-m", "demo_idp.setup"]
    prepare += [f"--people={path}" for path in people_files]
    prepare += [f"--redirect-uri={uri}" for uri in args.redirect_uri or []]
    subprocess.run(prepare, check=True)  # noqa: S603 - this interpreter, our own module
    command = [sys.executable, "-m", "gunicorn", "demo_idp.wsgi", "--bind", f"127.0.0.1:{args.port}",
               "--workers", "1", "--log-level", "warning"]
    if args.log:
        command += ["--error-logfile", str(args.log)]
    os.execv(sys.executable, command)  # noqa: S606 - replaced by gunicorn, so that stopping this stops it


if __name__ == "__main__":
    main()
