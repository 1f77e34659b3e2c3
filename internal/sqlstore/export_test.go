package sqlstore

// MigrationNames exposes the embedded migration list to tests.
func MigrationNames(d Dialect) ([]string, error) { return migrationNames(d) }
