"""Merge hook of loyalty accounts (tiers.merge_hooks): a customer has at most one account.

When both third parties have one, the loser's account is dropped with ``keep_pk`` = the
survivor's: the merge first moves every row that references it — the ledger entries — to the
survivor's account, so the balance is the sum of both ledgers and each invoice's points stay
unique. The survivor keeps its number and programme; when only the loser's account had offered
its contract, the marker is copied so the offer is not made twice. When only the loser has an
account, it simply follows the survivor.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tiers.merge_hooks import Change, ChangeKind, Link, MergeContext


def loyalty_account_hook(ctx: MergeContext, link: Link) -> list[Change]:
    survivor = link.rows(ctx, ctx.survivor.pk).first()
    if survivor is None:
        return []
    changes = []
    for loser in link.rows(ctx, ctx.loser.pk):
        run = None
        if survivor.offered_at is None and loser.offered_at is not None:
            model, pk = link.model, survivor.pk
            values = {"offered_contract_id": loser.offered_contract_id, "offered_at": loser.offered_at}

            def run(model=model, pk=pk, values=values) -> None:
                model._default_manager.filter(pk=pk).update(**values)

        label = _(
            "Compte de fidélité %(loser)s fusionné dans %(survivor)s (mouvements de points transférés)"
        ) % {
            "loser": loser.number,
            "survivor": survivor.number,
        }
        changes.append(Change(ChangeKind.DROP, link.model, loser.pk, label, keep_pk=survivor.pk, run=run))
    return changes
