// Package migrations holds the schema as plain SQL, one folder per dialect with the same numbering.
// Each file is applied in its own transaction by goose (see internal/db).
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// For returns the migrations of one dialect: "postgres" or "sqlite".
func For(dialect string) (fs.FS, error) {
	return fs.Sub(files, dialect)
}
