// Package identity signs people in through OpenID Connect and keeps the persons table. A person is
// recognised across sign-ins by a keyed hash of their tax number (РНОКПП); the number itself is never
// stored, logged, shown or exported.
package identity

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
)

// Person is a signed-in citizen or staff member as the provider last described them.
type Person struct {
	ID         int64
	Issuer     string
	Subject    string
	TaxIDHash  *string `gorm:"column:tax_id_hash"`
	LastName   string
	FirstName  string
	Patronymic string
	Email      string
	// EmailVerified: the provider vouched for Email at the last sign-in. Only a verified e-mail links
	// appeals registered by staff to the account (AccountOf) or lets a role be granted by it (GrantRole).
	EmailVerified bool
	Phone         string
	Address       string
	AuthType      string
	Language      string
	CreatedAt     time.Time
	LastSignInAt  time.Time
}

// FullName is "Прізвище Ім'я По батькові".
func (p *Person) FullName() string {
	return strings.TrimSpace(strings.Join(nonEmpty(p.LastName, p.FirstName, p.Patronymic), " "))
}

func nonEmpty(parts ...string) []string {
	out := parts[:0]
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Person{}, &staffRole{}, &staffDepartment{}} }

// Service keeps persons.
type Service struct {
	db     *gorm.DB
	secret []byte
	hooks  []SignInHook
}

// SignInHook runs inside the sign-in transaction, after the person is saved. Packages above identity
// register theirs through the program's wiring (the registry links the appeals waiting for the person),
// so identity needs to import none of them.
type SignInHook func(ctx context.Context, tx *gorm.DB, p *Person) error

// OnSignIn adds a hook run at every sign-in; call it while wiring the program, before serving.
func (s *Service) OnSignIn(h SignInHook) { s.hooks = append(s.hooks, h) }

// NewService needs the server secret that keys the tax-number hash.
func NewService(db *gorm.DB, secret []byte) *Service {
	return &Service{db: db, secret: secret}
}

// TaxIDHash is the keyed hash of a tax number: HMAC-SHA256 with the server secret over its digits.
// Without the secret the hash cannot be reversed by trying all ten-digit numbers.
func (s *Service) TaxIDHash(taxID string) string {
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, taxID)
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("rnokpp:" + digits))
	return hex.EncodeToString(m.Sum(nil))
}

// SignIn finds the person the claims describe — by tax-number hash first, then by issuer and subject —
// or creates them, refreshes their details from the claims, and syncs the roles that came from the
// roles claim (claimroles.go) in the same transaction.
func (s *Service) SignIn(ctx context.Context, c Claims) (*Person, error) {
	if c.Issuer == "" || c.Subject == "" {
		return nil, errs.New(errs.Invalid, "auth.error.id_token")
	}
	var hash *string
	if strings.TrimSpace(c.TaxID) != "" {
		h := s.TaxIDHash(c.TaxID)
		hash = &h
	}
	now := time.Now().UTC()
	var p Person
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("issuer = ? AND subject = ?", c.Issuer, c.Subject)
		if hash != nil {
			q = tx.Where("tax_id_hash = ?", *hash).Or("issuer = ? AND subject = ?", c.Issuer, c.Subject)
		}
		err := q.Order("id").Take(&p).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			p = Person{Issuer: c.Issuer, Subject: c.Subject, CreatedAt: now, Language: "uk"}
		case err != nil:
			return err
		}
		p.Issuer, p.Subject, p.LastSignInAt = c.Issuer, c.Subject, now
		if hash != nil {
			p.TaxIDHash = hash
		}
		p.LastName, p.FirstName, p.Patronymic = c.LastName, c.GivenName, c.MiddleName
		p.Email, p.Phone, p.Address, p.AuthType = c.Email, c.Phone, c.Address, c.AuthType
		p.EmailVerified = c.EmailVerified && strings.TrimSpace(c.Email) != ""
		if err := tx.Save(&p).Error; err != nil {
			return err
		}
		if err := syncClaimRoles(ctx, tx, p.ID, c.Roles, now); err != nil {
			return err
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Person returns the person with the id.
func (s *Service) Person(ctx context.Context, id int64) (*Person, error) {
	var p Person
	err := s.db.WithContext(ctx).Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Names returns the full names of the persons with the ids, in one query.
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	var people []Person
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&people).Error; err != nil {
		return nil, err
	}
	for i := range people {
		names[people[i].ID] = people[i].FullName()
	}
	return names, nil
}

// SetLanguage remembers the person's chosen language for notices.
func (s *Service) SetLanguage(ctx context.Context, id int64, lang string) error {
	return s.db.WithContext(ctx).Model(&Person{}).Where("id = ?", id).Update("language", lang).Error
}

// equalSecret compares two secrets in constant time.
func equalSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// EqualState compares the state returned by the provider with the one kept in the session.
func EqualState(got, want string) bool { return equalSecret(got, want) }

// TableName keeps the table name explicit (GORM would say "people").
func (Person) TableName() string { return "persons" }

// PersonIn reads a person inside tx (a step that names its actor on a letter reads them in its own
// transaction).
func PersonIn(ctx context.Context, tx *gorm.DB, id int64) (*Person, error) {
	var p Person
	if err := tx.WithContext(ctx).Take(&p, id).Error; err != nil {
		return nil, err
	}
	return &p, nil
}
