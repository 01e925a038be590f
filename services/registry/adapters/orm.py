"""Tables of the registry database, mapped imperatively onto the domain classes."""
import sqlalchemy as sa
from sqlalchemy.orm import registry as mapper_registry

from kelisim.db.tables import platform_tables
from services.registry.domain import model

metadata = sa.MetaData()
platform_tables(metadata)

regions = sa.Table(
    "regions", metadata,
    sa.Column("code", sa.String(8), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name_kk", sa.String(200), nullable=False),
    sa.Column("name_ru", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
)

structure_types = sa.Table(
    "structure_types", metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name_kk", sa.String(200), nullable=False),
    sa.Column("name_ru", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
    sa.Column("accreditable", sa.Boolean, nullable=False, default=False),
)

org_units = sa.Table(
    "org_units", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(60), nullable=False, unique=True),
    sa.Column("name_kk", sa.String(300), nullable=False),
    sa.Column("name_ru", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("region_code", sa.String(8), sa.ForeignKey("regions.code"), nullable=True, index=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("org_units.id"), nullable=True),
    sa.Column("opened_on", sa.Date, nullable=True),
    sa.Column("closed_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

structures = sa.Table(
    "structures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("type", sa.String(40), sa.ForeignKey("structure_types.code"), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("org_unit_id", sa.Integer, sa.ForeignKey("org_units.id"), nullable=False, index=True),
    sa.Column("region_code", sa.String(8), sa.ForeignKey("regions.code"), nullable=True, index=True),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("member_count", sa.Integer, nullable=False, default=0),
    sa.Column("accreditation", sa.String(20), nullable=True),
    sa.Column("opened_on", sa.Date, nullable=True),
    sa.Column("closed_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.CheckConstraint("member_count >= 0", name="ck_structures_members"),
)

people = sa.Table(
    "people", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("full_name", sa.String(300), nullable=False),
    sa.Column("position", sa.String(300), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("org_unit_id", sa.Integer, sa.ForeignKey("org_units.id"), nullable=True, index=True),
    sa.Column("structure_id", sa.Integer, sa.ForeignKey("structures.id"), nullable=True, index=True),
    sa.Column("region_code", sa.String(8), sa.ForeignKey("regions.code"), nullable=True, index=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

organisations = sa.Table(
    "organisations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(60), nullable=False, unique=True),
    sa.Column("name_kk", sa.String(300), nullable=False),
    sa.Column("name_ru", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=True),
    sa.Column("short_kk", sa.String(60), nullable=True),
    sa.Column("short_ru", sa.String(60), nullable=True),
    sa.Column("kind", sa.String(30), nullable=False, index=True),
    sa.Column("region_code", sa.String(8), sa.ForeignKey("regions.code"), nullable=True, index=True),
    sa.Column("contact_person", sa.String(300), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("website", sa.String(300), nullable=True),
    sa.Column("address", sa.String(500), nullable=True),
    sa.Column("closed_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

baseline_figures = sa.Table(
    "baseline_figures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subject", sa.String(40), nullable=False),
    sa.Column("indicator", sa.String(40), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("qualifier", sa.String(10), nullable=False),
    sa.UniqueConstraint("subject", "indicator", "year", name="uq_baseline_figure"),
)

_mappers = mapper_registry()


def start_mappers():
    """Map the domain classes once per process (idempotent)."""
    if _mappers.mappers:
        return
    _mappers.map_imperatively(model.Region, regions)
    _mappers.map_imperatively(model.StructureType, structure_types)
    _mappers.map_imperatively(model.OrgUnit, org_units, version_id_col=org_units.c.version)
    _mappers.map_imperatively(model.PublicStructure, structures,
                              version_id_col=structures.c.version)
    _mappers.map_imperatively(model.Person, people, version_id_col=people.c.version)
    _mappers.map_imperatively(model.BaselineFigure, baseline_figures)
    _mappers.map_imperatively(model.Organisation, organisations,
                              version_id_col=organisations.c.version)
