"""The demo's second factor: every staff account is enrolled with an authenticator whose secret is fixed per
account (derived from its sign-in name), so that the codes can be had from an authenticator app given the printed
secret, or from `manage.py demo_otp_code USERNAME`. Only ever for the demo (seed_demo refuses without DEBUG)."""

import base64
import hashlib

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.second_factor import TOTP_NAME, is_staff_user


def demo_totp_key(username: str) -> str:
    """The account's fixed demo secret: 20 bytes, as the hex TOTPDevice keeps."""
    return hashlib.sha256(f"zhicheng-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_secret(username: str) -> str:
    """The same secret in base32, as an authenticator app takes it when typed."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode().rstrip("=")


def demo_totp_enrol(user: User) -> bool:
    """Enrol a staff account with its demo secret (idempotent); False for an account that needs none."""
    if not is_staff_user(user):
        return False
    key = demo_totp_key(user.sign_in_name)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key, confirmed=True)
    elif device.key != key:
        device.key = key
        device.save(update_fields=["key"])
    return True


def demo_totp_code(user: User) -> str:
    """The code the account's authenticator shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
