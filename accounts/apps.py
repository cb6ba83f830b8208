from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "کاربران و نقش‌ها"

    def ready(self):
        from accounts import signals
        from accounts.roles import sync_role_groups

        signals.connect()
        # The role groups (membership only) exist after every migrate.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
