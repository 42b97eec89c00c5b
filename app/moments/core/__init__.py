"""Pure domain: time, settings, history, moments, presets, library. No Qt, no subprocess."""
