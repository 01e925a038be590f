"""Reports service: report templates, collection from every KGU, completeness, roll-ups."""
