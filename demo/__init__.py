"""Stand-ins for the outside world: demo-data seeder, camera and e-Lapor simulators, the launcher."""
