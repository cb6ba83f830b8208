"""Sign-in: Django's model backend, loading the signed-in user with their province in one query.

Every page names the user's province in its header; without this, each page read it separately.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithProvinceBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("province").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
