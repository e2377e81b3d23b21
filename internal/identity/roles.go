package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
)

// Staff roles.
const (
	RoleRegistrar = "registrar" // registers appeals from every channel
	RoleExecutor  = "executor"  // prepares replies in a department
	RoleHead      = "head"      // resolutions, approvals, extensions
	RoleModerator = "moderator" // petitions
	RoleAnalyst   = "analyst"   // reports
	RoleAdmin     = "admin"     // staff, departments, settings, failed e-mail
)

// Roles lists every staff role.
var Roles = []string{RoleRegistrar, RoleExecutor, RoleHead, RoleModerator, RoleAnalyst, RoleAdmin}

type staffRole struct {
	PersonID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Role      string `gorm:"primaryKey"`
	GrantedAt time.Time
	GrantedBy string
}

func (staffRole) TableName() string { return "staff_roles" }

// PersonWithRoles returns the person with the id and their staff roles in one query: every signed-in
// request needs both, and two round trips per request would be one too many.
func (s *Service) PersonWithRoles(ctx context.Context, id int64) (*Person, []string, error) {
	var row WithRoles
	err := JoinPerson(s.db.WithContext(ctx).Table("persons"), "persons.id").Where("persons.id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	p, roles := row.Split()
	return p, roles, nil
}

// WithRoles is a row JoinPerson read: the person's columns (ID 0 when the row had no person) and their
// roles joined by commas.
type WithRoles struct {
	Person
	PersonRoles *string
}

// Split returns the person (nil when there is none) and their roles in order.
func (w *WithRoles) Split() (*Person, []string) {
	if w.ID == 0 {
		return nil, nil
	}
	var roles []string
	if w.PersonRoles != nil && *w.PersonRoles != "" {
		roles = strings.Split(*w.PersonRoles, ",") // role names hold no commas (Roles)
		slices.Sort(roles)
	}
	p := w.Person
	return &p, roles
}

// JoinPerson adds to q the person whose id is in the column personID (a LEFT JOIN: a row without a
// person stays) and the person's roles, aggregated into one column, beside the columns q's own table
// gives (qualified, aliased apart from the person's). Scan the rows into a struct embedding WithRoles.
// The session read on every request (internal/web) brings the person and their roles this way, in the
// same round trip; the persons and staff_roles tables stay this package's to query.
func JoinPerson(q *gorm.DB, personID string, columns ...string) *gorm.DB {
	agg := "string_agg(staff_roles.role, ',')"
	if db.Dialect(q) == db.SQLite {
		agg = "group_concat(staff_roles.role, ',')"
	}
	columns = append(columns, "persons.*",
		"(SELECT "+agg+" FROM staff_roles WHERE staff_roles.person_id = persons.id) AS person_roles")
	if personID != "persons.id" {
		q = q.Joins("LEFT JOIN persons ON persons.id = " + personID)
	}
	return q.Select(strings.Join(columns, ", "))
}

// GrantRole gives a role to the person with the e-mail. The person must have signed in once with the
// e-mail verified by the provider, so the role is tied to an identity the provider vouched for, not to
// an address anyone could claim (an account with the same e-mail unverified is not considered).
//
// A role the person holds only through the roles claim becomes this grant, so the next sign-in without
// the claim keeps it: whoever grants a role explicitly means it to stay. The change and its audit line
// (auditGrant) commit together; granting a role already held changes nothing and logs nothing.
func (s *Service) GrantRole(ctx context.Context, email, role, grantedBy string) (*Person, error) {
	if !slices.Contains(Roles, role) {
		return nil, errs.New(errs.Invalid, "staff.error.role")
	}
	m, err := accountsWith(ctx, s.db, email)
	if err != nil {
		return nil, err
	}
	switch {
	case !m.any:
		return nil, errs.New(errs.NotFound, "staff.error.no_person")
	case len(m.verified) == 0:
		return nil, errs.New(errs.Conflict, "staff.error.email_unverified")
	case len(m.verified) > 1:
		return nil, errs.New(errs.Conflict, "staff.error.ambiguous_email")
	}
	p := m.verified[0]
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "person_id"}, {Name: "role"}},
			DoUpdates: clause.Assignments(map[string]any{"granted_by": grantedBy, "granted_at": time.Now().UTC()}),
			Where: clause.Where{Exprs: []clause.Expression{
				clause.Eq{Column: clause.Column{Table: "staff_roles", Name: "granted_by"}, Value: GrantedByClaim}}},
		}).Create(&staffRole{PersonID: p.ID, Role: role, GrantedAt: time.Now().UTC(), GrantedBy: grantedBy})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return audit.Record(ctx, tx, auditGrant, "person", p.ID, "role="+role+" by="+grantedBy)
	})
	if err != nil {
		return nil, fmt.Errorf("grant role: %w", err)
	}
	return &p, nil
}

// RolesOf lists the person's staff roles, inside tx: a domain service checks who takes a step in the
// transaction that takes it.
func RolesOf(ctx context.Context, tx *gorm.DB, personID int64) ([]string, error) {
	var roles []string
	err := tx.WithContext(ctx).Model(&staffRole{}).Where("person_id = ?", personID).Order("role").Pluck("role", &roles).Error
	if err != nil {
		return nil, fmt.Errorf("staff roles: %w", err)
	}
	return roles, nil
}

// StaffContact is a staff member and the address to tell them at.
type StaffContact struct {
	PersonID int64
	Email    string
}

// StaffWithRoles lists the staff holding any of the roles who have an e-mail, inside tx.
func StaffWithRoles(ctx context.Context, tx *gorm.DB, roles ...string) ([]StaffContact, error) {
	var out []StaffContact
	err := tx.WithContext(ctx).Table("persons").Distinct("persons.id AS person_id", "persons.email").
		Joins("JOIN staff_roles ON staff_roles.person_id = persons.id").
		Where("staff_roles.role IN ? AND persons.email <> ''", roles).Order("persons.id").Scan(&out).Error
	return out, err
}
