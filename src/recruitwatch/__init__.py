"""recruitwatch: monitor and document coerced and deceptive military recruitment of labour migrants."""

__version__ = "0.1.0"
PIPELINE_VERSION = "0.1.0"
