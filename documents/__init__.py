"""The printed documents' two pages, one for every kind: the verification page a QR code opens, and
the download of a stored file (the printed PDF, the scan of the signed paper, the proof of an
exit). The kinds (cancellation form, expulsion order, letter, minutes, exit proof) register in
shared.printing from their apps' ready(); each keeps its own access rule.

Not an installed app (no models): a package of views above audit and below the apps that print.
"""
