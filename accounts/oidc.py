"""Sign-in through a government identity provider (OpenID Connect, as 闽政通-style services offer; seed 002 §一).

mozilla-django-oidc runs the protocol (authorization code with PKCE, the ID token's signature checked against the
provider's JWKS, the userinfo call); this module only decides who the verified claims are: a person by her ID
number, a unit by its credit code. A person the platform does not know yet is not created here: her verified
name and ID number wait in the session and the registration page takes them, so that she chooses her unit and
phone and waits for the same review as everyone else (SPEC §2). Whatever goes wrong (the provider unreachable, a
token refused, an unregistered unit) ends on the login page with a clear message, and password sign-in stays.
"""

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import User
from core.validators import parse_id_number

logger = logging.getLogger(__name__)

# Session keys: the outcome of a sign-in that did not end in one (for the login page), and a verified person
# without an account (for the registration page).
OUTCOME = "oidc_outcome"
VERIFIED_PERSON = "oidc_verified_person"

MESSAGES = {
    "down": "{provider}暂时无法访问，请稍后再试，或使用账号密码登录。",
    "refused": "{provider}未能确认您的身份，请重新登录，或使用账号密码登录。",
    "unknown_unit": "该统一社会信用代码的单位尚未在本平台注册，请先完成单位注册。",
    "no_identity": "{provider}未提供身份证号或统一社会信用代码，无法登录本平台。",
}


def message(outcome: str) -> str:
    return MESSAGES.get(outcome, MESSAGES["refused"]).format(provider=settings.OIDC_PROVIDER_NAME)


class GovernmentIdBackend(OIDCAuthenticationBackend):
    """Matches the provider's verified claims to an account: ID number for people, credit code for units."""

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:  # the provider answered and refused (e.g. the code or the client)
            logger.warning("identity provider refused the sign-in: %s", error)
            self._outcome(request, "refused")
        except requests.RequestException as error:  # unreachable or timed out
            logger.warning("identity provider unreachable: %s", error)
            self._outcome(request, "down")
        except SuspiciousOperation as error:  # a token whose signature, nonce or audience does not hold
            logger.warning("identity provider token refused: %s", error)
            self._outcome(request, "refused")
        return None

    @staticmethod
    def _outcome(request, outcome: str) -> None:
        if request is not None:
            request.session[OUTCOME] = outcome

    def _id_number(self, claims) -> str:
        raw = str(claims.get(settings.OIDC_ID_NUMBER_CLAIM) or "").strip()
        if not raw:
            return ""
        try:
            return parse_id_number(raw).number
        except ValidationError:  # a malformed number from the provider is no identity at all
            logger.warning("identity provider sent an invalid ID number")
            return ""

    def _credit_code(self, claims) -> str:
        return str(claims.get(settings.OIDC_CREDIT_CODE_CLAIM) or "").strip().upper()

    def verify_claims(self, claims):
        if self._id_number(claims) or self._credit_code(claims):
            return True
        self._outcome(self.request, "no_identity")
        return False

    def describe_user_by_claims(self, claims):
        return "an identity of the provider"  # never the number itself in the log

    def filter_users_by_claims(self, claims):
        if id_number := self._id_number(claims):
            return User.objects.by_id_number(id_number).filter(kind=User.Kind.PERSON)
        return User.objects.filter(kind=User.Kind.UNIT, username=self._credit_code(claims))

    def create_user(self, claims):
        id_number = self._id_number(claims)
        if not id_number:
            self._outcome(self.request, "unknown_unit")
            return None
        name = str(claims.get(settings.OIDC_NAME_CLAIM) or "").strip()[:50]
        self.request.session[VERIFIED_PERSON] = {"name": name, "id_number": id_number}
        return None

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()
