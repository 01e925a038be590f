"""Registry service: regions, org units, public structures and responsible people."""
