"""Messages to the parties and the staff: what is sent, over which channel, and where it stands.

- outbox: every message is a `Message` row first; `send` hands it to its channel and records
  the outcome. The embedded default channel is the outbox itself (nothing leaves the machine;
  `flask --app app outbox` prints it), so development and tests see every text, one-time codes
  included.
"""
