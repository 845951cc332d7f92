"""The Slack bot (`crossbrief slack`)."""
