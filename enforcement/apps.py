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

        # Step 7 is proven by the records this app keeps.
        register_verifier(
            ProofKind.EXPULSION_ORDER, model=ExpulsionOrder, verify=services.order_verify
        )
        register_verifier(ProofKind.EXIT_RECORD, model=OrderedPerson, verify=services.exit_verify)
        register_verifier(
            ProofKind.PRIOR_EXIT_REPORT, model=Evidence, verify=services.prior_exit_verify
        )
