// Package apitoken issues and checks the tokens of the machine API (/api/v1 for integrations, Open311):
// each is issued by an admin to one source, with scopes and an expiry, shown once and kept only as a
// keyed hash, and may be revoked. Every issue and revocation is audited.
package apitoken

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
)

// Scopes a token may carry.
const (
	ScopeAppealsWrite = "appeals:write" // file appeals
	ScopeAppealsRead  = "appeals:read"  // read the source's own appeals and their changes
	ScopeOpen311      = "open311"       // file and read requests through Open311 GeoReport v2
)

// Scopes lists every scope.
var Scopes = []string{ScopeAppealsWrite, ScopeAppealsRead, ScopeOpen311}

// Audit actions (codes, not message ids).
const (
	auditCreate = `token.create`
	auditRevoke = `token.revoke`
)

// prefix starts every token, so a leaked one is recognised (and found by secret scanners).
const prefix = "hrm_"

// Token is one issued token: never the token itself, only its keyed hash and its first characters.
type Token struct {
	ID         int64
	Name       string
	SourceID   int64
	Scopes     string // space-separated
	TokenHash  string
	Prefix     string // the token's first characters, to tell tokens apart on the admin page
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	CreatedBy  *int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// TableName keeps the table name explicit.
func (Token) TableName() string { return "api_tokens" }

// Has says whether the token carries the scope.
func (t *Token) Has(scope string) bool { return slices.Contains(strings.Fields(t.Scopes), scope) }

// Live says whether the token may be used at now: not revoked, not expired.
func (t *Token) Live(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Token{}} }

// Service issues, checks and revokes tokens.
type Service struct {
	db  *gorm.DB
	key []byte
	now func() time.Time
}

// NewService builds the service; the hashes are keyed with a key derived from the server secret.
func NewService(db *gorm.DB, secret []byte, now func() time.Time) *Service {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("hromada/api-token/v1"))
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, key: m.Sum(nil), now: now}
}

func (s *Service) hash(token string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// Create issues a token to the source and returns it — the only time it is seen — with its record.
func (s *Service) Create(ctx context.Context, name string, sourceID int64, scopes []string, expires *time.Time, by *int64) (string, *Token, error) {
	name = strings.TrimSpace(name)
	v := errs.Validation{}
	switch {
	case name == "":
		v.Add("name", "token.error.name_required")
	case utf8.RuneCountInString(name) > 200:
		v.Add("name", "token.error.too_long")
	}
	if len(scopes) == 0 || slices.ContainsFunc(scopes, func(sc string) bool { return !slices.Contains(Scopes, sc) }) {
		v.Add("scopes", "token.error.scopes")
	}
	if expires != nil && !expires.After(s.now()) {
		v.Add("expires", "token.error.expires")
	}
	if sourceID <= 0 {
		v.Add("source", "appeal.error.choose")
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	plain := prefix + base64.RawURLEncoding.EncodeToString(raw)
	t := &Token{Name: name, SourceID: sourceID, Scopes: strings.Join(slices.Compact(slices.Sorted(slices.Values(scopes))), " "),
		TokenHash: s.hash(plain), Prefix: plain[:len(prefix)+6], ExpiresAt: expires, CreatedBy: by, CreatedAt: s.now().UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			if errors.Is(err, gorm.ErrForeignKeyViolated) {
				return errs.Validation{"source": "appeal.error.choose"}.Err()
			}
			return fmt.Errorf("issue a token: %w", err)
		}
		return audit.Record(ctx, tx, auditCreate, "token", t.ID, t.Name+" scopes="+t.Scopes)
	})
	if err != nil {
		return "", nil, err
	}
	return plain, t, nil
}

// Verify returns the live token whose text is plain; anything else — unknown, revoked, expired — is
// Unauthenticated (401), without saying which.
func (s *Service) Verify(ctx context.Context, plain string) (*Token, error) {
	if !strings.HasPrefix(plain, prefix) || len(plain) > 100 {
		return nil, errs.New(errs.Unauthenticated, "token.error.invalid")
	}
	var t Token
	err := s.db.WithContext(ctx).Where("token_hash = ?", s.hash(plain)).Take(&t).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, errs.New(errs.Unauthenticated, "token.error.invalid")
	case err != nil:
		return nil, err
	}
	now := s.now().UTC()
	if !hmac.Equal([]byte(t.TokenHash), []byte(s.hash(plain))) || !t.Live(now) {
		return nil, errs.New(errs.Unauthenticated, "token.error.invalid")
	}
	// When it was last used, to a minute: not a write per request.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if err := s.db.WithContext(ctx).Model(&Token{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// List returns every token, newest first.
func (s *Service) List(ctx context.Context) ([]Token, error) {
	var list []Token
	if err := s.db.WithContext(ctx).Order("id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return list, nil
}

// Revoke ends a token at once; revoking one already revoked changes nothing.
func (s *Service) Revoke(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Token{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now().UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&Token{}).Where("id = ?", id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return errs.New(errs.NotFound, "error.not_found")
			}
			return nil
		}
		return audit.Record(ctx, tx, auditRevoke, "token", id, "")
	})
}
