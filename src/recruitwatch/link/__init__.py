"""Linking: incidents that several independent sources report corroborate each other."""

from recruitwatch.link.match import link_incidents, same_case

__all__ = ["link_incidents", "same_case"]
