"""The daily export of the chains' heads, and the check that history still matches it.

Each day a file ``<DATA_DIR>/audit-heads/YYYY-MM-DD.json`` (the Tehran date) holds each chain's
last ``seq`` and ``hash`` and the time, signed with HMAC-SHA256 under the audit key, and the same
heads go to the log (logger ``audit.heads``). Whoever rewrites the database afterwards must also
rewrite every exported file and every log line, and sign them: ``verify_audit`` checks that each
exported head's ``seq`` still has that hash in the chain and that each file's signature holds.

The audit key is ``AUDIT_HEAD_KEY`` (environment) when set; otherwise one derived from SECRET_KEY
(``salted_hmac``). Keep it apart from the database: a key the database's attacker can read signs
their forgery too. Changing it makes the earlier files' signatures fail (kept as broken, honestly).
"""

import datetime
import hashlib
import hmac
import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from shared import clock

logger = logging.getLogger("audit.heads")


def audit_key(purpose: str) -> bytes:
    """A key for ``purpose``, from AUDIT_HEAD_KEY or (without it) from SECRET_KEY."""
    secret = getattr(settings, "AUDIT_HEAD_KEY", "") or None
    return salted_hmac(
        f"revocation.audit.{purpose}", "key", secret=secret, algorithm="sha256"
    ).digest()


def heads_dir() -> Path:
    return Path(settings.DATA_DIR) / "audit-heads"


def current_heads() -> dict:
    """{chain: {"seq": n, "hash": "..."}}: the last seal of each chain (seq 0 when empty)."""
    from audit.chain import GENESIS
    from audit.models import CHAINS, Seal

    heads = {}
    for name in CHAINS:
        last = Seal.objects.filter(chain=name).order_by("-seq").values_list("seq", "hash").first()
        heads[name] = {"seq": last[0], "hash": last[1]} if last else {"seq": 0, "hash": GENESIS}
    return heads


def signature(payload: dict, *, purpose: str = "heads") -> str:
    """HMAC-SHA256 of ``payload`` as canonical JSON under the audit key for ``purpose``: the daily
    heads, and the backups' manifests (revocation.backups)."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(audit_key(purpose), body.encode(), hashlib.sha256).hexdigest()


def export_heads(*, now: datetime.datetime | None = None) -> Path:
    """Write today's signed heads file (mode 0640; a second run the same day replaces it) and
    log the same heads."""
    now = now or clock.now()
    payload = {
        "date": timezone.localtime(now).date().isoformat(),
        "at": now.astimezone(datetime.UTC).isoformat(),
        "chains": current_heads(),
    }
    folder = heads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{payload['date']}.json"
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(
            {**payload, "signature": signature(payload)},
            handle,
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
    os.chmod(temporary, 0o640)  # whatever the umask
    os.replace(temporary, path)
    logger.info(
        "audit heads %s: %s",
        payload["date"],
        " ".join(
            f"{name} seq={h['seq']} hash={h['hash']}" for name, h in payload["chains"].items()
        ),
        extra={"audit_heads": payload["chains"]},
    )
    return path


def exported_files() -> list[Path]:
    folder = heads_dir()
    return (
        sorted(folder.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].json"))
        if folder.is_dir()
        else []
    )


def check_export(path: Path) -> list[str]:
    """What is wrong with one exported file: its signature, or a head the chain no longer has.
    An empty list: it still matches."""
    from audit.models import CHAINS, Seal

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        written = data.pop("signature")
        chains = data["chains"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [f"{path.name}: پرونده سر زنجیره خوانده نشد / unreadable ({error})"]
    problems = []
    if not hmac.compare_digest(str(written), signature(data)):
        problems.append(f"{path.name}: امضا نمی‌خواند / signature does not verify")
    for name, head in chains.items():
        if name not in CHAINS or not head.get("seq"):
            continue
        stored = (
            Seal.objects.filter(chain=name, seq=head["seq"]).values_list("hash", flat=True).first()
        )
        if stored != head.get("hash"):
            problems.append(
                f"{path.name}: سر زنجیره {name} در شماره {head['seq']} دیگر در پایگاه داده نیست "
                f"/ {name} head seq {head['seq']} no longer has the exported hash"
            )
    return problems
