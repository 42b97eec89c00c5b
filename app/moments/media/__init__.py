"""Adapters to the media engines (ffmpeg, ffprobe). No Qt; the only layer that starts processes."""
