"""The demo builder: cases walked along the real path of the work, through every app's services.

It lives in the project package, above every app, because it composes them all: a working
group's decision is taken in a real session (attendance, votes, resolution, closing:
``committees``), a cancellation through Najva's outbox (``najva``), an expulsion through its
order and each person's exit (``enforcement``), letters through print, signature and post
(``letters``). No app imports it; ``manage.py seed_demo`` and the tests' ``case_in`` fixture do,
so that demo cases and test cases reach a state the way a user's would.
"""
