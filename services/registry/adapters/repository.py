"""Queries of the registry, over one SQLAlchemy session."""
from datetime import date

import sqlalchemy as sa

from kelisim.db.filters import where_given
from kelisim.db.pages import page
from kelisim.db.repository import SessionRepository
from kelisim.db.search import contains_text
from services.registry.adapters import orm
from services.registry.domain.model import (
    BaselineFigure,
    Organisation,
    OrgUnit,
    Person,
    PublicStructure,
    Region,
    StructureType,
)


def _region_of(table):
    return sa.select(table.c.region_code).where(table.c.id == sa.bindparam("id"))


_REGION_OF = {"org_unit": _region_of(orm.org_units), "structure": _region_of(orm.structures)}


class RegistryRepository(SessionRepository):
    """The registry service's queries (``uow.repo``)."""

    def region_of(self, kind, record_id):
        """The region of the org unit or structure (``kind``: ``"org_unit"``,
        ``"structure"``) ``record_id`` as a row with ``region_code`` (``None`` for a
        national one), or ``None`` when there is no such record: what a new person's
        attachment needs, one indexed SELECT built once, no ORM object loaded."""
        return self.session.execute(_REGION_OF[kind], {"id": record_id}).first()

    # reference data
    def regions(self):
        return self.session.scalars(sa.select(Region).order_by(Region.code)).all()

    def region(self, code):
        return self.get(Region, code)

    def structure_types(self):
        return self.session.scalars(sa.select(StructureType).order_by(StructureType.code)).all()

    def structure_type(self, code):
        return self.get(StructureType, code)

    def baseline(self):
        query = sa.select(BaselineFigure).order_by(BaselineFigure.subject, BaselineFigure.indicator)
        return self.session.scalars(query).all()

    # org units
    def org_unit(self, unit_id):
        return self.get(OrgUnit, unit_id)

    def org_unit_by_code(self, code):
        return self.session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).first()

    def org_units(self, *, region=None, kind=None, level=None):
        query = sa.select(OrgUnit).order_by(OrgUnit.id)
        query = where_given(query, (OrgUnit.region_code, region), (OrgUnit.kind, kind),
                            (OrgUnit.level, level))
        return self.session.scalars(query).all()

    def kgu_of(self, region_code):
        query = sa.select(OrgUnit).where(OrgUnit.kind == "kgu", OrgUnit.region_code == region_code)
        return self.session.scalars(query.order_by(OrgUnit.id)).first()

    # structures
    def structure(self, structure_id):
        return self.get(PublicStructure, structure_id)

    def structures(self, *, region=None, type=None, level=None, org_unit_id=None, q=None,
                   limit=50, offset=0):
        """A page of structures and the total; ``q``: text in the name, any case."""
        query = sa.select(PublicStructure)
        if q:
            query = query.where(contains_text((orm.structures.c.name,), q))
        query = where_given(query, (PublicStructure.region_code, region),
                            (PublicStructure.type, type), (PublicStructure.level, level),
                            (PublicStructure.org_unit_id, org_unit_id))
        return page(self.session, query, (PublicStructure.id,), limit, offset)

    def structure_counts(self, region=None, today=None):
        """(region, type, structures, members) for every structure not closed by ``today``."""
        s = orm.structures
        today = today or date.today()
        query = (
            sa.select(s.c.region_code, s.c.type, sa.func.count(), sa.func.sum(s.c.member_count))
            .where(sa.or_(s.c.closed_on.is_(None), s.c.closed_on > today))
            .group_by(s.c.region_code, s.c.type)
            .order_by(s.c.region_code, s.c.type)
        )
        if region:
            query = query.where(s.c.region_code == region)
        return self.session.execute(query).all()

    # people
    def person(self, person_id):
        return self.get(Person, person_id)

    def people(self, *, region=None, org_unit_id=None, structure_id=None):
        query = sa.select(Person).order_by(Person.id)
        query = where_given(query, (Person.region_code, region), (Person.org_unit_id, org_unit_id),
                            (Person.structure_id, structure_id))
        return self.session.scalars(query).all()

    # organisations outside the Assembly
    def organisation(self, organisation_id):
        return self.get(Organisation, organisation_id)

    def organisation_by_code(self, code):
        query = sa.select(Organisation).where(Organisation.code == code)
        return self.session.scalars(query).first()

    def organisations(self, *, regions=None, region=None, kind=None, code=None, q=None,
                      limit=50, offset=0):
        """A page of organisations and the total, by code. ``regions``: the region codes
        the reader may see (None in it: the republican ones); None: every one."""
        o = orm.organisations
        query = sa.select(Organisation)
        if regions is not None:
            known = [r for r in regions if r is not None]
            seen = o.c.region_code.in_(known) if known else sa.false()
            if None in regions:
                seen = sa.or_(seen, o.c.region_code.is_(None))
            query = query.where(seen)
        query = where_given(query, (o.c.region_code, region), (o.c.kind, kind), (o.c.code, code))
        if q:
            query = query.where(contains_text(
                (o.c.name_kk, o.c.name_ru, o.c.name_en, o.c.short_kk, o.c.short_ru, o.c.code), q))
        return page(self.session, query, (o.c.code,), limit, offset)
