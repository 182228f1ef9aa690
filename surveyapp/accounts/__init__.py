"""Staff accounts: signing in and out, roles, and what each role may see."""
