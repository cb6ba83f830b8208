"""The printed documents' two pages, one for every kind: the verification page a QR code opens, and
the download of the stored PDF. The kinds (cancellation form, expulsion order, letter, minutes)
register in shared.printing from their apps' ready(); each keeps its own access rule.

Not an installed app (no models): a package of views above audit and below the apps that print.
"""
