"""Benchmarks: ``make bench`` runs them all; each prints ratios against a baseline measured
in the same run (bare ffmpeg, or raw libVLC)."""
