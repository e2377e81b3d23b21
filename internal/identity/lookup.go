package identity

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// AccountOf returns, inside tx, the id of the one person whose account carries the e-mail address and
// the surname and given name (as the identity provider vouched for them), or 0. Both must match: an
// e-mail alone is not proof (providers need not verify it, and a registrar may mistype it), while a
// mistyped address that also lands on an account with the author's verified name is not a realistic risk.
func AccountOf(ctx context.Context, tx *gorm.DB, email, lastName, firstName string) (int64, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || strings.TrimSpace(lastName) == "" || strings.TrimSpace(firstName) == "" {
		return 0, nil
	}
	var people []Person
	err := tx.WithContext(ctx).Select("id", "last_name", "first_name").Where("LOWER(email) = ?", email).Limit(2).
		Find(&people).Error
	if err != nil || len(people) != 1 {
		return 0, err
	}
	// Names are compared in Go: SQLite's LOWER() leaves Cyrillic as it is.
	same := func(a, b string) bool {
		norm := func(s string) string {
			return strings.NewReplacer("’", "'", "ʼ", "'", "`", "'").Replace(strings.ToLower(strings.TrimSpace(s)))
		}
		return norm(a) == norm(b)
	}
	if p := people[0]; same(p.LastName, lastName) && same(p.FirstName, firstName) {
		return p.ID, nil
	}
	return 0, nil
}
