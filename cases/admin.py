"""Admin: case data is not shown here. The IT administrator, the only admin user, is never a case
actor and sees no case (accounts.permissions); the case pages are where case users read cases."""
