from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "کارگروه‌ها"

    def ready(self):
        # Its parts of the case page and the work queue (cases.panels).
        from committees import panels

        panels.register()

        # The minutes are a printed kind: their PDF is served by documents' download page.
        from committees.printed import KIND
        from shared.printing import register

        register(KIND)

        from cases.workflow.proofs import ProofKind
        from cases.workflow.registry import register_verifier
        from committees.models import AgendaItem
        from committees.services import resolution_verify

        # A working group's decision is proven by its agenda item in a closed session.
        for kind in (ProofKind.PROVINCIAL_RESOLUTION, ProofKind.NATIONAL_LETTER):
            register_verifier(kind, model=AgendaItem, verify=resolution_verify)
