"""Watch sources and notify: `recruitwatch watch` polls feeds, article pages, sitemaps and folders on
a schedule, ingests only what is new, and tells people about new relevant incidents.

* :mod:`recruitwatch.watch.config`: the TOML file (sources, intervals, notification settings);
* :mod:`recruitwatch.watch.sources`: what one poll of a source finds that is new;
* :mod:`recruitwatch.watch.runner`: rounds of polls, back-off, the loop;
* :mod:`recruitwatch.watch.notify`: webhook and email.

The state (validators, items seen, failures, the notification outbox) is in the store
(:mod:`recruitwatch.store.watch`), so a restarted watcher goes on where it stopped. See docs/watch.md.
"""

from recruitwatch.watch.config import WatchConfig, load_config
from recruitwatch.watch.runner import RoundReport, run_round, watch

__all__ = ["RoundReport", "WatchConfig", "load_config", "run_round", "watch"]
