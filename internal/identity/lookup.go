package identity

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// PersonWithEmail returns, inside tx, the id of the one person who signed in with the e-mail address,
// or 0 when nobody or more than one person did.
func PersonWithEmail(ctx context.Context, tx *gorm.DB, email string) (int64, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return 0, nil
	}
	var ids []int64
	err := tx.WithContext(ctx).Model(&Person{}).Where("LOWER(email) = ?", email).Limit(2).Pluck("id", &ids).Error
	if err != nil || len(ids) != 1 {
		return 0, err
	}
	return ids[0], nil
}
