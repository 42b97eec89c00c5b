"""Export destinations and posting targets. No Qt."""
