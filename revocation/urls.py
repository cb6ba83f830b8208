from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from revocation import views

admin.site.site_header = "سامانه ابطال مدارک و لغو پناهندگی اتباع خارجی"
admin.site.site_title = "مدیریت سامانه ابطال مدارک"
admin.site.index_title = "داده‌های پایه و کاربران"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
