"""The retail organisation: regions, branches, stores, guides and PK teams."""
