"""Projects service: the four base projects, plans, tasks, responsibility, budgets, risks."""
