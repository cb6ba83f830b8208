"""Path converters: a URL part that cannot be what it names is a 404 before any view or query
runs (a NUL byte in a case number once reached PostgreSQL and gave a 500)."""


class CaseNumberConverter:
    regex = r"[0-9]{2}-[0-9]{4}-[0-9]{5}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class SlugWordConverter:
    """Lower-case words joined by underscores: step and agency names."""

    regex = r"[a-z][a-z_]{0,63}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)
