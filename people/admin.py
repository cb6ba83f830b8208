"""The register of people is not edited in the admin: only the experts' services change it, and the
IT administrator sees no case data."""
