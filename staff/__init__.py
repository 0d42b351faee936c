"""Who may use the console and the HQ API, and what they did: staff, roles, scopes, API tokens, the audit trail."""
