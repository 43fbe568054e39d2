"""The desk's pages (dashboard, articles, claims with their workflow buttons and forms) and
the public verdict pages: views, forms, urls, templates and static files in one room.

An app of its own (label `desk`) so that Django finds its templates, static files and
template tags here. It has no models; it reads through the selectors and writes through
the services of claims and reviews."""
