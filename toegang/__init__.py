"""Access: login with lockout, multi-factor authentication, single sign-on, sessions, and the
throttling of machine credentials (StUF, API)."""
