"""The helpers below every app: Persian text and dates, the clock, downloads and uploads, forms,
printing, numbering, pagination, logging, the database backend. They import no app of the
project and not the project package (revocation: settings, urls, Celery, wsgi, composition);
an app that needs to be told something registers a hook here at start-up (shared.http).
"""
