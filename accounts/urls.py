from django.urls import path

from . import export_views, oidc_views, second_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("oidc/start/", oidc_views.start, name="oidc_start"),
    path("oidc/callback/", oidc_views.callback, name="oidc_callback"),
    path("oidc/failed/", oidc_views.failed, name="oidc_failed"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("session-state/", views.session_state, name="session_state"),
    path("register/", views.register, name="register"),
    path("register/agreement/", views.agreement, name="agreement"),
    path("sms/send/", views.sms_send, name="sms_send"),
    path("password/forgot/", views.password_forgot, name="password_forgot"),
    path("password/reset/", views.password_reset_view, name="password_reset"),
    path("password/change/", views.password_change_view, name="password_change"),
    path("staff/", views.staff_registrations, name="staff_registrations"),
    path("staff/<int:pk>/", views.staff_registration_detail, name="staff_registration_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("profile/", views.profile, name="profile"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/file", export_views.export_file, name="export_file"),
    path("exports/unmasked/<slug:kind>/", export_views.export_unmasked, name="export_unmasked"),
    path("second-factor/", second_factor_views.second_factor, name="second_factor"),
    path("second-factor/enrol/", second_factor_views.second_factor_enrol, name="second_factor_enrol"),
    path("second-factor/sms/", second_factor_views.second_factor_sms_send, name="second_factor_sms"),
    path("security/", second_factor_views.security, name="security"),
    path("staff-second-factor/", second_factor_views.second_factor_accounts, name="second_factor_accounts"),
    path("staff-second-factor/<int:pk>/reset/", second_factor_views.second_factor_account_reset,
         name="second_factor_reset"),
]
