"""recruitwatch: monitor and document coerced and deceptive military recruitment of labour migrants."""

__version__ = "0.2.0"
PIPELINE_VERSION = __version__


def pipeline_version() -> str:
    """The code version plus the first 12 hex digits of the shipped model's hash: what produced a
    stored document's screening and an incident's fields."""
    from recruitwatch.learn.model import load_model

    return f"{PIPELINE_VERSION}+{load_model().digest[:12]}"
