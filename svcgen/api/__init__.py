"""HTTP API (filled in by the API work)."""


def create_app(test_config=None):
    raise NotImplementedError
