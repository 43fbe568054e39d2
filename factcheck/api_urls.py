"""The REST API's routes (filled in by the API work)."""

urlpatterns: list = []
