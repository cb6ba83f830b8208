"""A django-fsm-2 model refreshed safely from several threads.

django-fsm-2 refreshes a model with protected state fields (``FSMModelMixin.refresh_from_db``) by
switching the protection off *on the field*, which every instance in every thread of the process
shares, refreshing, and switching it back on. Two threads refreshing at once break it: the first
to finish protects the field again while the other is still setting its state, and that one fails
with «Direct state modification is not allowed». bench/najva.py's delivery worker met it, the last
registration of a case refreshing the case while the main thread refreshed another. Here the
instance forgets its own state values first, so that Django sets them as on a fresh read, and
the shared field is never touched.
"""

from django.db import models
from django_fsm import FSMFieldMixin


class RefreshSafely(models.Model):
    """Put before django-fsm-2's mixins in a model's bases (it replaces their refresh_from_db)."""

    class Meta:
        abstract = True

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, FSMFieldMixin) and (fields is None or field.attname in fields):
                # The protected descriptor refuses a value only once the instance holds one.
                self.__dict__.pop(field.attname, None)
        models.Model.refresh_from_db(self, using=using, fields=fields, from_queryset=from_queryset)
        # ConcurrentTransitionMixin's own bookkeeping: the state the next save expects in the row.
        update_initial_state = getattr(self, "_update_initial_state", None)
        if update_initial_state is not None:
            update_initial_state()
