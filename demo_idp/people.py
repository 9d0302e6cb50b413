"""The provider's data file and what follows from it, without Django: the accounts to print and the platform's
environment (the OIDC_* settings of README › Configuration) pointing at a provider served at `base`."""

import tomllib
from pathlib import Path

PEOPLE = Path(__file__).resolve().parent / "people.toml"
DEFAULT_BASE = "http://127.0.0.1:8001"


def load(path: Path = PEOPLE) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def platform_env(data: dict, base: str = DEFAULT_BASE) -> dict[str, str]:
    """The environment under which the platform signs people in through this provider."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/o/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/o/token/",
        "OIDC_OP_USER_ENDPOINT": f"{base}/o/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{base}/o/.well-known/jwks.json",
        "OIDC_RP_CLIENT_ID": data["client"]["client_id"],
        "OIDC_RP_CLIENT_SECRET": data["client"]["client_secret"],
        "OIDC_PROVIDER_NAME": data["provider_name"],
    }


def accounts_text(data: dict, base: str = DEFAULT_BASE) -> str:
    lines = [f"{data['provider_name']}（演示身份认证，{base}/login/，密码均为 {data['password']}；"
             f"登录页点“使用{data['provider_name']}登录”）："]
    lines += [f"  {person['username']:<20}   {person['name']}：{person.get('note', '')}" for person in data["people"]]
    return "\n".join(lines)
