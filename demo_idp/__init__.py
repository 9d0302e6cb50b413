"""The demo's identity provider: a province's unified identity service (闽政通 and the like) in miniature, for
`make run` and the tests. django-oauth-toolkit's OpenID Connect provider in a Django project of its own, served by
gunicorn on 127.0.0.1 (port 8001 in the demo) with its own SQLite database and RSA key. Its people come from
demo_idp/people.toml; they sign in with a password on its own page, and its tokens and userinfo carry the claims
the platform matches on (name, id_number or credit_code).

`python -m demo_idp` prepares its database and serves it; `python -m demo_idp env` prints the platform's OIDC_*
settings pointing at it; `python -m demo_idp accounts` prints its accounts. The platform never imports this
package (import-linter), and django-oauth-toolkit is in the `demo` dependency group only."""
