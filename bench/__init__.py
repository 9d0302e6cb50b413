"""`make bench`: a million-record dossier, a multi-process server and a load generator (README › Benchmarks)."""
