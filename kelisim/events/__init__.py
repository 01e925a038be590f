"""Integration events: envelope, catalogue, outbox relay and the reliable consumer."""
