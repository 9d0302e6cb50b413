from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """The claims a government identity service gives: the verified name, and the ID number of a person or the
    credit code of a unit (a user whose last_name is "unit" is a unit's account here)."""

    oidc_claim_scope = None  # every claim with the openid scope

    def get_additional_claims(self, request):
        user = request.user
        claims = {"name": user.first_name}
        if user.last_name == "unit":
            claims["credit_code"] = user.username
        else:
            claims["id_number"] = user.username
        return claims
