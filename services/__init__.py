"""The four kelisim services, each with the same skeleton:

``domain/`` (plain classes and rules), ``service_layer/`` (use cases over a unit of
work), ``adapters/`` (SQLAlchemy tables, mappers, repositories), ``entrypoints/``
(thin nameko entrypoints), ``migrations/`` (Alembic) and ``schemas.py`` (the
marshmallow contract shared with the gateway).
"""
