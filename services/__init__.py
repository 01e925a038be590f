"""The four kelisim services, each with the same skeleton:

``contract/`` (what the gateway and the other services may know of it: its RPC name, the
words of its data and the marshmallow schemas of its RPC methods; no import of the
service's insides), ``domain/`` (plain classes and rules), ``service_layer/`` (use cases
over a unit of work), ``adapters/`` (SQLAlchemy tables, mappers, repositories),
``entrypoints/`` (thin nameko entrypoints), ``migrations/`` (Alembic) and ``bootstrap.py``
(its wiring, called by the composition root ``kelisim_platform``).
"""
