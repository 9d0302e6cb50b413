"""A small image captcha kept in the session: a new code per image, single use, case-insensitive.

CAPTCHA_DISABLED=1 (refused when DEBUG is off) turns it off for automated browser runs.
"""

import io
import secrets

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from PIL import Image, ImageDraw, ImageFilter, ImageFont

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_SESSION_KEY = "captcha_answer"


def _font(size: int):
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def render_png(code: str) -> bytes:
    rng = secrets.SystemRandom()
    image = Image.new("RGB", (120, 40), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line(
            [(rng.randint(0, 120), rng.randint(0, 40)), (rng.randint(0, 120), rng.randint(0, 40))],
            fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)),
            width=1,
        )
    font = _font(24)
    for i, char in enumerate(code):
        draw.text((10 + i * 26, rng.randint(2, 8)), char, font=font, fill=(rng.randint(0, 90), 40, 120))
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@never_cache
def captcha_image(request):
    code = "".join(secrets.choice(_ALPHABET) for _ in range(4))
    request.session[_SESSION_KEY] = code
    return HttpResponse(render_png(code), content_type="image/png")


def captcha_enabled() -> bool:
    return not settings.CAPTCHA_DISABLED


def captcha_check(request, answer: str) -> bool:
    """True when `answer` matches the last image shown; the answer is used up either way."""
    expected = request.session.pop(_SESSION_KEY, None)
    return bool(expected) and secrets.compare_digest(expected, (answer or "").strip().upper())


class CaptchaFormMixin:
    """Adds the 图形验证码 field to a form built with `request=`; checked last, so other errors show first."""

    def add_captcha_field(self):
        if captcha_enabled():
            self.fields["captcha"] = forms.CharField(
                label="图形验证码",
                max_length=8,
                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "captcha-input"}),
                error_messages={"required": "请输入图形验证码。"},
            )

    def clean_captcha(self):
        value = self.cleaned_data.get("captcha", "")
        if captcha_enabled() and not captcha_check(self.request, value):
            raise forms.ValidationError("图形验证码不正确，请看清图片后重新输入。")
        return value
