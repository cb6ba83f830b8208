from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "اخراج و خروج از کشور"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from enforcement import panels

        panels.register()

        # The expulsion order is a printed kind: its PDF and verification page are documents'; so
        # is the download of the proof of an exit.
        from enforcement.printed import KINDS
        from shared.printing import register

        register(*KINDS)

        from cases.models import Evidence
        from cases.workflow.proofs import ProofKind
        from cases.workflow.registry import register_verifier
        from enforcement import services
        from enforcement.models import ExpulsionOrder, OrderedPerson

        # Step 7 is proven by the records this app keeps, made in its part of the case page.
        for kind, model, verify in [
            (ProofKind.EXPULSION_ORDER, ExpulsionOrder, services.order_verify),
            (ProofKind.EXIT_RECORD, OrderedPerson, services.exit_verify),
            (ProofKind.PRIOR_EXIT_REPORT, Evidence, services.prior_exit_verify),
        ]:
            register_verifier(kind, model=model, verify=verify, anchor="enforcement")
