"""Loading a PAR framework into the database and reading it back."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import NotFoundError
from domain.framework import (
    Criterion,
    Framework,
    FrameworkArea,
    Item,
    Rule,
    grades_of,
    parse_band,
)
from domain.plan import EvidenceRequirement
from models import FrameworkNode, FrameworkRecord
from storage.audit import record


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "type": rule.type,
        "input": rule.input,
        "bands": [str(b) for b in rule.bands],
        "levels": rule.levels,
        "no_data": rule.no_data,
    }


def _nodes(fw: Framework) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for a in fw.areas:
        out.append(
            {
                "code": a.code,
                "parent_code": None,
                "level": "area",
                "title": a.title,
                "title_en": a.title_en,
                "max": a.max,
                "assessed_by": None,
                "rule": None,
                "evidence": [],
                "source": a.source,
                "note": "",
            }
        )
        for c in a.criteria:
            out.append(
                {
                    "code": c.code,
                    "parent_code": a.code,
                    "level": "criterion",
                    "title": c.title,
                    "title_en": c.title_en,
                    "max": c.max,
                    "assessed_by": None,
                    "rule": None,
                    "evidence": [],
                    "source": c.source,
                    "note": "",
                }
            )
            for i in c.items:
                out.append(
                    {
                        "code": i.code,
                        "parent_code": c.code,
                        "level": "item",
                        "title": i.title,
                        "title_en": i.title_en,
                        "max": i.max,
                        "assessed_by": i.assessed_by,
                        "rule": _rule_dict(i.rule),
                        "evidence": [asdict(e) for e in i.evidence],
                        "source": i.source,
                        "note": i.note,
                    }
                )
    return out


def load_framework(
    fw: Framework, *, session: Session, actor: str, now: dt.datetime, sha256: str = ""
) -> dict[str, int]:
    """Store ``fw`` (create or revise in place by code); returns counts of what changed."""
    counts = {"created": 0, "updated": 0, "removed": 0, "unchanged": 0}
    head: dict[str, Any] = {
        "title": fw.title,
        "title_en": fw.title_en,
        "year": fw.year,
        "scale": fw.scale,
        "grades": {
            g.code: {"min": g.min, "source": g.source, "note": g.note} for g in fw.grade_cutoffs
        }
        or fw.grades,
        "bonus_max": fw.bonus_max,
        "penalty_max": fw.penalty_max,
        "source": fw.source,
        "model": fw.model,
    }
    row = session.exec(select(FrameworkRecord).where(FrameworkRecord.code == fw.code)).first()
    if row is None:
        row = FrameworkRecord(code=fw.code, **head, source_sha256=sha256)
        session.add(row)
        session.flush()
        record(
            session=session,
            actor=actor,
            now=now,
            action="create",
            entity="framework",
            key=fw.code,
            after=head,
        )
        counts["created"] += 1
    else:
        before = {k: getattr(row, k) for k in head}
        if before != head or row.source_sha256 != sha256:
            for k, v in head.items():
                setattr(row, k, v)
            row.source_sha256 = sha256
            session.add(row)
            if before != head:
                record(
                    session=session,
                    actor=actor,
                    now=now,
                    action="update",
                    entity="framework",
                    key=fw.code,
                    before=before,
                    after=head,
                )
    fid = row.id
    assert fid is not None
    existing = {
        n.code: n
        for n in session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fid))
    }
    wanted = _nodes(fw)
    for position, values in enumerate(wanted):
        values = {**values, "position": position}
        node = existing.get(values["code"])
        if node is None:
            session.add(FrameworkNode(framework_id=fid, **values))
            record(
                session=session,
                actor=actor,
                now=now,
                action="create",
                entity="framework_node",
                key=f"{fw.code}/{values['code']}",
                after=values,
            )
            counts["created"] += 1
            continue
        before = {k: getattr(node, k) for k in values}
        if before == values:
            counts["unchanged"] += 1
            continue
        for k, v in values.items():
            setattr(node, k, v)
        session.add(node)
        record(
            session=session,
            actor=actor,
            now=now,
            action="update",
            entity="framework_node",
            key=f"{fw.code}/{values['code']}",
            before=before,
            after=values,
        )
        counts["updated"] += 1
    keep = {v["code"] for v in wanted}
    for code, node in existing.items():
        if code not in keep:
            # nothing hangs on framework nodes yet; assessments will reference them by code
            session.delete(node)
            record(
                session=session,
                actor=actor,
                now=now,
                action="delete",
                entity="framework_node",
                key=f"{fw.code}/{code}",
            )
            counts["removed"] += 1
    session.flush()
    return counts


def read_framework_record(code: str, *, session: Session) -> Framework:
    row = session.exec(select(FrameworkRecord).where(FrameworkRecord.code == code)).first()
    if row is None:
        raise NotFoundError("error.framework_not_found", code=code)
    nodes = session.exec(
        select(FrameworkNode)
        .where(FrameworkNode.framework_id == row.id)
        .order_by(col(FrameworkNode.position))
    ).all()

    def rule(value: dict[str, Any]) -> Rule:
        bands = tuple(b for b in (parse_band(x) for x in value.get("bands") or []) if b is not None)
        return Rule(
            type=value["type"],
            input=value.get("input") or {},
            bands=bands,
            levels=value.get("levels") or {},
            no_data=value.get("no_data") or "manual",
        )

    def items(parent: str) -> tuple[Item, ...]:
        return tuple(
            Item(
                code=n.code,
                title=n.title,
                title_en=n.title_en,
                max=n.max,
                rule=rule(n.rule or {}),
                assessed_by=n.assessed_by or "self",
                source=n.source,
                note=n.note,
                evidence=tuple(EvidenceRequirement(**e) for e in n.evidence),
            )
            for n in nodes
            if n.level == "item" and n.parent_code == parent
        )

    def criteria(parent: str) -> tuple[Criterion, ...]:
        return tuple(
            Criterion(
                code=n.code,
                title=n.title,
                title_en=n.title_en,
                max=n.max,
                source=n.source,
                items=items(n.code),
            )
            for n in nodes
            if n.level == "criterion" and n.parent_code == parent
        )

    return Framework(
        code=row.code,
        title=row.title,
        title_en=row.title_en,
        year=row.year,
        scale=row.scale,
        grades={g.code: g.min for g in grades_of(row.grades)},
        grade_cutoffs=grades_of(row.grades),
        bonus_max=row.bonus_max,
        penalty_max=row.penalty_max,
        source=row.source,
        model=row.model,
        areas=tuple(
            FrameworkArea(
                code=n.code,
                title=n.title,
                title_en=n.title_en,
                max=n.max,
                source=n.source,
                criteria=criteria(n.code),
            )
            for n in nodes
            if n.level == "area"
        ),
    )


def framework_codes(*, session: Session) -> list[str]:
    return list(session.exec(select(FrameworkRecord.code).order_by(col(FrameworkRecord.code))))
