from django.shortcuts import render
from django.utils import timezone

from cases.selectors import state_counts


def home(request):
    """The Persian home page: for a signed-in user, the cases they see, counted by state."""
    counts = state_counts(user=request.user) if request.user.is_authenticated else []
    return render(request, "home.html", {"counts": counts, "today": timezone.localdate()})
