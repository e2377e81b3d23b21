package db

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Two roles on PostgreSQL. The owner of a table may ALTER it, DISABLE its triggers and TRUNCATE it, so
// the triggers that keep audit_log append-only bind everyone but the owner. The owner therefore only
// migrates (`hromada migrate`, or serve with HROMADA_MIGRATE_DATABASE_URL), and the server runs as an
// application role that GrantApplication gives exactly what serving needs: reading and writing rows,
// only INSERT and SELECT on audit_log, only SELECT on the records of applied migrations, nothing DDL.

// ErrNotOwner means migrations are pending but the connection's role may not change the schema.
var ErrNotOwner = errors.New("this database role does not own Hromada's tables and cannot apply the pending migrations: " +
	"run `hromada migrate` as the owner (HROMADA_MIGRATE_DATABASE_URL), or give serve HROMADA_MIGRATE_DATABASE_URL")

// appendOnlyTables may be read and added to by the application, never changed.
var appendOnlyTables = []string{"audit_log"}

// readOnlyTables record the migrations applied (goose's and River's): only the owner writes them.
var readOnlyTables = []string{"goose_db_version", "river_migration"}

// OwnsSchema says whether db's role owns Hromada's tables (through membership of the owning role
// too), or, on a database not yet migrated, may create tables in its schema. Always true on SQLite.
func OwnsSchema(ctx context.Context, db *gorm.DB) (bool, error) {
	if Dialect(db) != Postgres {
		return true, nil
	}
	_, owns, err := ownership(ctx, db)
	return owns, err
}

// ownership says whether the schema has been migrated (goose's table exists) and whether db's role
// owns it (or, not yet migrated, may create tables in it). PostgreSQL only.
func ownership(ctx context.Context, db *gorm.DB) (migrated, owns bool, err error) {
	err = db.WithContext(ctx).Raw(`SELECT to_regclass('goose_db_version') IS NOT NULL, COALESCE(CASE
		WHEN to_regclass('goose_db_version') IS NULL THEN has_schema_privilege(current_schema(), 'CREATE')
		ELSE pg_has_role((SELECT relowner FROM pg_class WHERE oid = to_regclass('goose_db_version')), 'USAGE') END, false)`).
		Row().Scan(&migrated, &owns)
	if err != nil {
		return false, false, fmt.Errorf("database role: %w", err)
	}
	return migrated, owns, nil
}

// GrantApplication gives role, the application's, what the server needs on every table and sequence
// of the schema, and takes away anything else it had there: SELECT, INSERT, UPDATE and DELETE on the
// tables, except INSERT and SELECT only on audit_log and SELECT only on the migration records; USAGE
// and SELECT on the sequences; EXECUTE on the procedures. Run it as the owner after every migration: tables added since get their
// grants, and the grants never depend on what was done by hand before. PostgreSQL only.
func GrantApplication(ctx context.Context, owner *gorm.DB, role string) error {
	if Dialect(owner) != Postgres {
		return errors.New("database roles are a PostgreSQL feature: the embedded SQLite has none")
	}
	role = strings.TrimSpace(role)
	if role == "" {
		return errors.New("name the application's database role")
	}
	return owner.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var schema string
		var ownsToo bool
		err := tx.Raw(`SELECT current_schema(), CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?)
			THEN COALESCE(pg_has_role(?, (SELECT relowner FROM pg_class WHERE oid = to_regclass('goose_db_version')), 'USAGE'), false)
			ELSE false END`, role, role).Row().Scan(&schema, &ownsToo)
		if err != nil {
			return fmt.Errorf("grant to %s: %w", role, err)
		}
		if ownsToo {
			// It could undo any grant (and revoking from the owner would take the owner's own rights).
			return fmt.Errorf("grant to %s: that role owns the tables; the application needs a role of its own", role)
		}
		r, s := pgx.Identifier{role}.Sanitize(), pgx.Identifier{schema}.Sanitize()
		tables := func(names []string) string {
			q := make([]string, len(names))
			for i, n := range names {
				q[i] = pgx.Identifier{schema, n}.Sanitize()
			}
			return strings.Join(q, ", ")
		}
		for _, stmt := range []string{
			"GRANT USAGE ON SCHEMA " + s + " TO " + r,
			"REVOKE ALL ON ALL TABLES IN SCHEMA " + s + " FROM " + r,
			"REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + s + " FROM " + r,
			"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + s + " TO " + r,
			"REVOKE UPDATE, DELETE ON " + tables(appendOnlyTables) + " FROM " + r,
			"REVOKE INSERT, UPDATE, DELETE ON " + tables(readOnlyTables) + " FROM " + r,
			"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + s + " TO " + r,
			// Procedures (petition_sign) run with the caller's rights on the tables above; EXECUTE is
			// PUBLIC's by default, granted here too in case a hardened server took that away.
			"GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA " + s + " TO " + r,
		} {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("grant to %s: %w", role, err)
			}
		}
		return nil
	})
}
