"""The case workflow as a kernel the other apps plug into.

- ``cases.steps``: the rule book (each step declared once, with the kind of proof it needs);
- ``proofs``: the kinds of proof;
- ``registry``: the verifiers and after-step effects the apps above register in ``ready()``;
- ``engine``: ``case_take_step`` (public as ``cases.services.case_take_step``) and the
  per-subject records that lead to a step;
- ``checks``: the start-up check that every proof kind a step needs has its verifier.

This module imports nothing itself: the rule book imports ``proofs`` while the engine imports the
rule book.
"""
