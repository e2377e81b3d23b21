package apitoken_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
)

// A token is shown once and kept only as a keyed hash; it works while it is neither revoked nor expired,
// carries its scopes, and anything else is refused as unauthenticated without saying why.
func TestTokens(t *testing.T) {
	gdb := dbtest.Open(t)
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := apitoken.NewService(gdb, []byte("test-secret-test-secret-test-secret"), clock)
	ctx := context.Background()
	var sourceID int64
	if err := gdb.Raw("SELECT id FROM appeal_sources WHERE code = '1545'").Scan(&sourceID).Error; err != nil || sourceID == 0 {
		t.Fatalf("the 1545 source: %v", err)
	}
	expires := now.Add(24 * time.Hour)
	plain, tok, err := svc.Create(ctx, "Урядовий контактний центр", sourceID,
		[]string{apitoken.ScopeAppealsRead, apitoken.ScopeAppealsWrite}, &expires, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "hrm_") || len(plain) < 40 || !strings.HasPrefix(plain, tok.Prefix) {
		t.Errorf("token %q, prefix %q", plain, tok.Prefix)
	}
	var stored int64
	if err := gdb.Table("api_tokens").Where("token_hash = ? OR prefix = ?", plain, plain).Count(&stored).Error; err != nil || stored != 0 {
		t.Errorf("the token itself is stored: %d (%v)", stored, err)
	}
	got, err := svc.Verify(ctx, plain)
	if err != nil || got.ID != tok.ID || got.SourceID != sourceID || !got.Has(apitoken.ScopeAppealsWrite) || got.Has(apitoken.ScopeOpen311) {
		t.Fatalf("verify: %+v %v", got, err)
	}
	for name, bad := range map[string]string{"unknown": "hrm_" + strings.Repeat("A", 43), "not ours": "Bearer x",
		"changed": plain[:len(plain)-1] + "x", "empty": ""} {
		if _, err := svc.Verify(ctx, bad); errs.CodeOf(err) != errs.Unauthenticated {
			t.Errorf("%s token: %v", name, err)
		}
	}
	now = expires.Add(time.Second)
	if _, err := svc.Verify(ctx, plain); errs.CodeOf(err) != errs.Unauthenticated {
		t.Errorf("an expired token: %v", err)
	}
	now = expires.Add(-time.Hour)
	if err := svc.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Verify(ctx, plain); errs.CodeOf(err) != errs.Unauthenticated {
		t.Errorf("a revoked token: %v", err)
	}
	if err := svc.Revoke(ctx, 999999); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("revoking a token that does not exist: %v", err)
	}
	var lines int64
	if err := gdb.Table("audit_log").Where("action IN ('token.create', 'token.revoke')").Count(&lines).Error; err != nil || lines != 2 {
		t.Errorf("audit lines: %d (%v)", lines, err)
	}
	for name, c := range map[string]struct {
		name    string
		scopes  []string
		expires *time.Time
		field   string
	}{
		"no name":       {"", []string{apitoken.ScopeOpen311}, nil, "name"},
		"no scope":      {"Міський застосунок", nil, nil, "scopes"},
		"unknown scope": {"Міський застосунок", []string{"admin"}, nil, "scopes"},
		"past expiry":   {"Міський застосунок", []string{apitoken.ScopeOpen311}, &now, "expires"},
	} {
		_, _, err := svc.Create(ctx, c.name, sourceID, c.scopes, c.expires, nil)
		if e := errs.As(err, errs.Invalid); e == nil || e.Fields[c.field] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
