"""Moments: a video player that turns the scene you just loved into a clip you can share."""

__version__ = "0.1.0"
APP_NAME = "Moments"
APP_ID = "moments"
