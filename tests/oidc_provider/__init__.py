"""A small OpenID Connect provider for the government sign-in tests: django-oauth-toolkit's OIDC provider in a
Django project of its own, run by gunicorn on 127.0.0.1 in a process of its own (tests/oidc_support.py). It plays
the province's identity service (闽政通 and the like): its users sign in with a password on its own page, and its
tokens and userinfo carry the claims the platform matches on (name, id_number or credit_code)."""
