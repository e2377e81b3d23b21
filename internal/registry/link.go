package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/identity"
)

const auditLink = `appeal.link` // an audit action code, not a message id

// LinkWaitingAppeals gives the person, inside the sign-in transaction tx, the appeals registered by
// staff that carry the person's e-mail and name and are in nobody's account yet: at registration no
// account had that e-mail verified by the provider, so the link waited (identity.AccountOf). It runs only
// for an e-mail the provider vouches for now, and only when the e-mail and name single out this person,
// exactly as at registration. The program registers it with identity.Service.OnSignIn.
//
// One indexed lookup by e-mail (appeals_waiting_for_account); names are compared in Go like AccountOf
// does, then the matching appeals are updated in one statement.
func (s *Service) LinkWaitingAppeals(ctx context.Context, tx *gorm.DB, p *identity.Person) error {
	if !p.EmailVerified || strings.TrimSpace(p.Email) == "" {
		return nil
	}
	if id, err := identity.AccountOf(ctx, tx, p.Email, p.LastName, p.FirstName); err != nil || id != p.ID {
		return err
	}
	var waiting []Appeal
	err := tx.WithContext(ctx).Model(&Appeal{}).Select("id", "author_last_name", "author_first_name").
		Where("person_id IS NULL AND author_email <> '' AND LOWER(author_email) = ? AND nature <> ?",
			strings.ToLower(strings.TrimSpace(p.Email)), NatureAnonymous).
		Find(&waiting).Error
	if err != nil {
		return fmt.Errorf("appeals waiting for an account: %w", err)
	}
	var ids []int64
	for _, a := range waiting {
		if identity.SameName(a.AuthorLastName, p.LastName) && identity.SameName(a.AuthorFirstName, p.FirstName) {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	err = tx.WithContext(ctx).Model(&Appeal{}).Where("id IN ? AND person_id IS NULL", ids).
		Updates(map[string]any{"person_id": p.ID, "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("link appeals to their author's account: %w", err)
	}
	for _, id := range ids {
		if err := audit.Record(ctx, tx, auditLink, "appeal", id, "account="+strconv.FormatInt(p.ID, 10)); err != nil {
			return err
		}
	}
	return nil
}
