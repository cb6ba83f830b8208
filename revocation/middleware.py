"""Response headers of the project's own."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """``Permissions-Policy``: no page uses the camera, the microphone, the location or any other
    device, so none may (settings.PERMISSIONS_POLICY). Django's SecurityMiddleware has no setting
    for this header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
