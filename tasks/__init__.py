"""HQ tasks (add fans, share a post, hit a sales target), their progress from real events, and the coins they pay."""
