"""Verifying the chains and the exported heads; each full run is kept for the auditor's page."""

import datetime
from dataclasses import dataclass, field

from audit import chain, files, heads
from audit.models import CHAINS, Verification


@dataclass
class Report:
    chains: list[chain.ChainState]
    exports_checked: int = 0
    export_problems: list[str] = field(default_factory=list)
    files_checked: int | None = None  # None: the stored files were not checked
    file_problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            all(state.ok for state in self.chains)
            and not self.export_problems
            and not self.file_problems
        )

    @property
    def problem(self) -> str:
        for state in self.chains:
            if not state.ok and state.broken_seq is None:
                return (
                    f"جدول {state.table}، شناسه {state.broken_id}: {state.problem} / "
                    f"table {state.table}, id {state.broken_id}"
                )
            if not state.ok:
                return (
                    f"جدول {state.table}، شماره {state.broken_seq} (شناسه {state.broken_id}): "
                    f"{state.problem} / table {state.table}, seq {state.broken_seq}, "
                    f"id {state.broken_id}"
                )
        return "\n".join([*self.export_problems, *map(str, self.file_problems)])


def verify_all(*, batch: int = 2000, keep: bool = True, stored_files: bool = True) -> Report:
    """Walk every chain from its first record, then check every exported head file, then (with
    ``stored_files``) every uploaded file against its row and its row against the trail
    (audit.files). ``keep``: store the run (what the auditor's page reports as the last full
    verification)."""
    report = Report(
        chains=[chain.verify(name, model, batch=batch) for name, model in CHAINS.items()]
    )
    exported = heads.exported_files()
    report.exports_checked = len(exported)
    for path in exported:
        report.export_problems += heads.check_export(path)
    if stored_files:
        report.files_checked, report.file_problems = files.stored_file_problems()
    if keep:
        Verification.objects.create(
            ok=report.ok,
            chains={
                state.name: {
                    "checked": state.checked,
                    "head_seq": state.head_seq,
                    "head_hash": state.head_hash,
                }
                for state in report.chains
            },
            problem=report.problem,
        )
    return report


def overview() -> dict:
    """What the auditor's page says about the chains, honestly: each chain's head as it is now
    (its seq is how many records are sealed) and how many records wait for their seal,
    the last full verification (when, and what it found), and the last exported heads and
    whether the chains still hold them. It verifies nothing itself: a full walk is
    ``verify_audit``'s (scheduled by the operator), and the page says when it last ran."""
    now = heads.current_heads()
    for name, model in CHAINS.items():
        now[name]["pending"] = chain.pending_count(name, model)
    files = heads.exported_files()
    last_file = files[-1] if files else None
    return {
        "heads": now,
        "last_verification": Verification.objects.first(),
        "last_export": datetime.date.fromisoformat(last_file.stem) if last_file else None,
        "last_export_problems": heads.check_export(last_file) if last_file else [],
    }
