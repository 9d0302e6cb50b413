"""Which database the benchmark uses, and making or wiping it. Imported before Django is set up."""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"
SQLITE_FILE = WORK_DIR / "bench.sqlite3"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/zc_bench"


def database_url(choice: str) -> str:
    """`sqlite` (default), `postgres`, or a full URL. The name must contain "bench": generating the data
    empties the tables, so the application's own database can never be picked by mistake."""
    choice = (choice or "sqlite").strip()
    if choice == "sqlite":
        url = f"sqlite:///{SQLITE_FILE}"
    elif choice in ("postgres", "postgresql", "pg"):
        url = POSTGRES_URL
    else:
        url = choice
    if "bench" not in database_name(url):
        raise SystemExit(f"bench: refusing database {database_name(url)!r}; its name must contain 'bench'")
    return url


def database_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return Path(parts.path).name
    return parts.path.lstrip("/")


def is_sqlite(url: str) -> bool:
    return urlsplit(url).scheme.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    return Path(urlsplit(url).path)


def ensure_exists(url: str) -> None:
    """Create the SQLite folder or the PostgreSQL database when missing."""
    if is_sqlite(url):
        sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = database_name(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(url: str) -> None:
    """Remove the benchmark database entirely (the next run regenerates it)."""
    if is_sqlite(url):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database_name(url))))
