"""CLI placeholder."""


def main():
    raise SystemExit(2)
