from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.urls import include, path

from demo_idp.people import load


class DemoLoginView(LoginView):
    """The provider's sign-in page, listing its demo accounts (their password is public)."""

    def get_context_data(self, **kwargs):
        data = load()
        return {**super().get_context_data(**kwargs), "people": data["people"], "demo_password": data["password"]}


urlpatterns = [
    path("favicon.ico", lambda request: HttpResponse(status=204)),  # browsers ask; a 404 would be a console error
    path("login/", DemoLoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
