import warnings

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "电子证书"

    def ready(self):
        # pyHanko imports cryptography's DSA types, which cryptography marks deprecated; no certificate uses DSA.
        warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")
