"""Sign-in: Django's model backend, loading the signed-in user in one query with what every page
shows of them: their province (the header) and, on PostgreSQL, the names of their groups (the
roles, read by accounts.permissions on every page). Without this, each page read both separately.

On PostgreSQL the user so loaded is kept in the process and used again while the database's token
is unchanged (accounts.usercache): a request then reads one row of one column instead.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import OuterRef

from accounts import usercache


class UserWithProvinceBackend(ModelBackend):
    def get_user(self, user_id):
        token = usercache.token()
        user = usercache.kept_user(user_id, token)
        if user is None:
            user = self._load(user_id)
            if user is None:
                return None
            usercache.keep_user(user, token)
        # The token this request's user was checked against: its second-factor device is read
        # under the same one (accounts.middleware.OTPMiddleware).
        user.auth_token = token
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        User = get_user_model()
        users = User._default_manager.select_related("province")
        if connection.vendor == "postgresql":
            from django.contrib.postgres.expressions import ArraySubquery

            users = users.annotate(
                group_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name"))
            )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        if hasattr(user, "group_names"):
            user.role_codes = User.roles_from(user.group_names)  # the cached property's value
        return user
