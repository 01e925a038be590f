"""The structures registry, as plain classes with their rules (no framework imports)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kelisim.errors import Invalid
from kelisim.i18n import Msg, _
from services.registry.contract import LEVELS  # the contract's words (kinds, levels, ...)

# Kinds that always belong to one region (an akimat is a region's executive body).
REGIONAL_ORGANISATION_KINDS = ("akimat",)

# Which levels each kind of org unit may sit at, and what its parent must be.
KIND_LEVELS: dict[str, tuple[str, ...]] = {
    "rgu": ("republican",),
    "kgu": ("regional",),
    "kgu_branch": ("city", "district", "rural"),
    "house_of_friendship": ("regional", "city", "district"),
}
KIND_PARENTS: dict[str, tuple[str | None, ...]] = {"rgu": (None,), "kgu": ("rgu",), "kgu_branch": ("kgu",),
                "house_of_friendship": ("kgu", "kgu_branch")}


@dataclass
class Region:
    code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str


@dataclass
class StructureType:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    accreditable: bool = False


@dataclass
class OrgUnit:
    code: str
    name_kk: str
    name_ru: str
    kind: str
    level: str
    name_en: str | None = None
    region_code: str | None = None
    parent_id: int | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    id: int | None = None
    version: int = 1

    def is_open_on(self, day: date) -> bool:
        opened = self.opened_on is None or self.opened_on <= day
        return opened and (self.closed_on is None or day < self.closed_on)

    def check(self, parent: OrgUnit | None = None) -> None:
        """Raise :class:`Invalid` unless kind, level, region, parent and dates agree."""
        errors: dict[str, Msg] = {}
        if self.level not in KIND_LEVELS[self.kind]:
            errors["level"] = _("a {kind} sits at level {value}",
                                kind=self.kind, value=' or '.join(KIND_LEVELS[self.kind]))
        if self.kind == "rgu" and self.region_code is not None:
            errors["region_code"] = _("the RGU is republican and belongs to no region")
        if self.kind != "rgu" and self.region_code is None:
            errors["region_code"] = _("a {kind} belongs to a region", kind=self.kind)
        parent_kind = parent.kind if parent else None
        if parent_kind not in KIND_PARENTS[self.kind]:
            wanted = " or ".join(k or "none" for k in KIND_PARENTS[self.kind])
            errors["parent_id"] = _("the parent of a {kind} must be: {wanted}",
                                    kind=self.kind, wanted=wanted)
        elif parent is not None and parent.region_code not in (None, self.region_code):
            errors["parent_id"] = _("the parent is in another region")
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("closed before it opened")
        if errors:
            raise Invalid(_("the org unit is not consistent"), errors)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PublicStructure:
    type: str
    name: str
    org_unit_id: int
    level: str
    member_count: int = 0
    region_code: str | None = None
    accreditation: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    id: int | None = None
    version: int = 1

    def check(self, structure_type: StructureType) -> None:
        """Raise :class:`Invalid` unless members, level, accreditation and dates agree."""
        errors: dict[str, Msg] = {}
        if self.member_count < 0:
            errors["member_count"] = _("must not be negative")
        if self.level not in LEVELS:
            errors["level"] = _("must be one of {levels}", levels=', '.join(LEVELS))
        if self.accreditation is not None and not structure_type.accreditable:
            errors["accreditation"] = _("a {code} is not accredited", code=structure_type.code)
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("closed before it opened")
        if errors:
            raise Invalid(_("the public structure is not consistent"), errors)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Person:
    full_name: str
    position: str | None = None
    email: str | None = None
    phone: str | None = None
    org_unit_id: int | None = None
    structure_id: int | None = None
    region_code: str | None = None
    id: int | None = None
    version: int = 1

    def check(self) -> None:
        """Raise :class:`Invalid` unless attached to exactly one org unit or structure."""
        if (self.org_unit_id is None) == (self.structure_id is None):
            raise Invalid(_("a person is attached to an org unit or to a structure"),
                          {"org_unit_id": _("give exactly one of org_unit_id, structure_id")})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Organisation:
    """An organisation outside the Assembly and the RGU/KGU vertical (a ministry, an
    akimat, the research institute, «Атамекен», the prosecutor's office, ...) that a plan
    names as a co-executor. It has no inbox: it is told of nothing, it is named.

    ``code``: a stable short code the templates name it by (``MISD``, ``AKIMAT-KZ-61``);
    ``region_code``: None for a republican body, the region of an akimat (required) or of
    a regional office.
    """

    code: str
    name_kk: str
    name_ru: str
    kind: str
    name_en: str | None = None
    short_kk: str | None = None
    short_ru: str | None = None
    region_code: str | None = None
    contact_person: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: str | None = None
    closed_on: date | None = None
    id: int | None = None
    version: int = 1

    def check(self) -> None:
        """Raise :class:`Invalid` unless kind and region agree."""
        if self.kind in REGIONAL_ORGANISATION_KINDS and self.region_code is None:
            raise Invalid(_("the organisation is not consistent"),
                          {"region_code": _("a {kind} belongs to a region", kind=self.kind)})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BaselineFigure:
    subject: str
    indicator: str
    value: int
    qualifier: str = "exact"
    year: int = 2020
    id: int | None = field(default=None, compare=False)
