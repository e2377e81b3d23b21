package identity

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/audit"
)

// GrantedByClaim marks the staff roles that came from the provider's roles claim. Only these rows are
// synced at sign-in; a role granted in the admin area or by the command carries another mark and is
// never removed by a claim.
const GrantedByClaim = "claim"

// Actions in the audit log. Raw strings: they are codes, not message ids for the translation check.
const (
	auditGrant      = `staff.grant`
	auditRevoke     = `staff.revoke`
	auditDepartment = `staff.department`
)

// claimRoles reads the role codes a claim carries: a JSON array of strings, or one string of codes
// separated by spaces or commas. A name with dots that is not itself a claim is read as a path into
// nested objects (Keycloak's realm_access.roles). Codes Hromada knows are returned sorted and once
// each; the others are returned apart, for the caller to log.
func claimRoles(all map[string]any, name string) (known, ignored []string) {
	if name == "" {
		return nil, nil
	}
	v, ok := all[name]
	if !ok && strings.Contains(name, ".") {
		v = claimAt(all, strings.Split(name, "."))
	}
	var codes []string
	switch v := v.(type) {
	case string:
		codes = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				codes = append(codes, s)
			}
		}
	}
	for _, c := range codes {
		c = strings.ToLower(strings.TrimSpace(c))
		switch {
		case c == "":
		case slices.Contains(Roles, c):
			known = append(known, c)
		default:
			ignored = append(ignored, c)
		}
	}
	slices.Sort(known)
	return slices.Compact(known), ignored
}

// claimAt follows a path of object members; nil when any step is missing.
func claimAt(all map[string]any, path []string) any {
	var cur any = all
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// syncClaimRoles makes the person's claim-granted roles exactly the roles the claim carried this time,
// inside the sign-in transaction: a role the claim newly carries is granted (unless the person already
// holds it by another grant, which then stays that grant), a claim role the claim no longer carries is
// removed. Each change is an audit line. Nothing is written when nothing changed, so an ordinary
// sign-in costs one SELECT here.
func syncClaimRoles(ctx context.Context, tx *gorm.DB, personID int64, roles []string, now time.Time) error {
	var held []staffRole
	if err := tx.WithContext(ctx).Where("person_id = ?", personID).Find(&held).Error; err != nil {
		return err
	}
	for _, h := range held {
		if h.GrantedBy != GrantedByClaim || slices.Contains(roles, h.Role) {
			continue
		}
		res := tx.WithContext(ctx).Where("person_id = ? AND role = ? AND granted_by = ?", personID, h.Role, GrantedByClaim).
			Delete(&staffRole{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			if err := audit.Record(ctx, tx, auditRevoke, "person", personID, "role="+h.Role+" by="+GrantedByClaim); err != nil {
				return err
			}
		}
	}
	for _, r := range roles {
		if slices.ContainsFunc(held, func(h staffRole) bool { return h.Role == r }) {
			continue
		}
		res := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&staffRole{PersonID: personID, Role: r, GrantedAt: now, GrantedBy: GrantedByClaim})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			if err := audit.Record(ctx, tx, auditGrant, "person", personID, "role="+r+" by="+GrantedByClaim); err != nil {
				return err
			}
		}
	}
	return nil
}
