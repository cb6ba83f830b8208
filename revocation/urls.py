from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import LoginForm, PersianPasswordChangeForm
from cases.views.lists import work_queue


def refused(request, rest=""):
    raise Http404


admin.site.site_header = "سامانه ابطال مدارک و لغو پناهندگی اتباع خارجی"
admin.site.site_title = "مدیریت سامانه ابطال مدارک"
admin.site.index_title = "داده‌های پایه و کاربران"

urlpatterns = [
    path("", work_queue, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", account_views.second_factor, name="second_factor"),
    path(
        "accounts/second-factor/enrol/",
        account_views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=PersianPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/grants/", include("accounts.urls")),
    # The front desk first: /cases/new/ is intake's, not a case number.
    path("cases/", include("intake.urls")),
    path("cases/", include("cases.urls")),
    path("people/", include("people.urls")),
    path("sessions/", include("committees.urls")),
    path("najva/", include("najva.urls")),
    path("enforcement/", include("enforcement.urls")),
    path("letters/", include("letters.urls")),
    path("documents/", include("documents.urls")),
    path("oversight/", include("oversight.urls")),
    # The admin's "view on site" redirect (admin/r/<content type>/<id>/) would lead a staff account
    # from any row's id to its page: a case's number. No admin page offers it; it answers 404.
    path("admin/r/<path:rest>", refused),
    path("admin/", admin.site.urls),
]
