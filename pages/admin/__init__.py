"""Admin: users (create, new password, enable/disable, role) and the camera registry (edit, scope, enable)."""
