package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
)

// An admin issues a token on /admin/tokens: it is shown once, on the page that answers the form, works
// at once for its source and scopes, is listed by its first characters only, and revoked stops working;
// both steps are in the audit log under the admin. A refused form keeps what was typed.
func TestTokensPage(t *testing.T) {
	s, _, registrar, admin := staffServer(t)
	page := apptest.Get(t, admin, s.Path("/admin/tokens"))
	if page.Status != 200 || !strings.Contains(page.Body, `name="scopes"`) || !strings.Contains(page.Body, `value="1545"`) {
		t.Fatalf("%d %s", page.Status, page.Body)
	}
	if r := apptest.Get(t, registrar, s.Path("/admin/tokens")); r.Status != http.StatusForbidden {
		t.Errorf("a registrar: %d", r.Status)
	}
	csrf := apptest.CSRF(t, page.Body)

	// Refused: no source, no scope; the name stays.
	r := apptest.PostForm(t, admin, s.Path("/admin/tokens"), url.Values{"_csrf": {csrf}, "name": {"Міський застосунок"},
		"expires": {"2020-01-01"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="Міський застосунок"`) ||
		!strings.Contains(r.Body, `id="f-source-error"`) || !strings.Contains(r.Body, `id="f-scopes-error"`) {
		t.Fatalf("a refused form: %d %s", r.Status, r.Body)
	}
	r = apptest.PostForm(t, admin, s.Path("/admin/tokens"), url.Values{"_csrf": {csrf}, "name": {"1545 — інтеграція"},
		"source": {"1545"}, "scopes": {"appeals:read"}, "expires": {"2020-01-01"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-expires-error"`) {
		t.Fatalf("an expiry in the past: %d", r.Status)
	}

	r = apptest.PostForm(t, admin, s.Path("/admin/tokens"), url.Values{"_csrf": {csrf}, "name": {"1545 — інтеграція"},
		"source": {"1545"}, "scopes": {"appeals:read", "appeals:write"}, "expires": {"2099-12-31"}})
	plain := regexp.MustCompile(`hrm_[A-Za-z0-9_-]{40,}`).FindString(r.Body)
	if r.Status != 200 || plain == "" {
		t.Fatalf("issued: %d %s", r.Status, r.Body)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the token may be cached: %q", r.Header.Get("Cache-Control"))
	}
	tok, err := s.App.Tokens.Verify(context.Background(), plain)
	if err != nil || !tok.Has("appeals:write") || tok.ExpiresAt == nil || tok.ExpiresAt.Year() != 2099 && tok.ExpiresAt.Year() != 2100 {
		t.Fatalf("the token: %+v %v", tok, err)
	}
	list := apptest.Get(t, admin, s.Path("/admin/tokens"))
	if strings.Contains(list.Body, plain) || !strings.Contains(list.Body, tok.Prefix) || !strings.Contains(list.Body, "1545 — інтеграція") {
		t.Fatalf("the list shows the token, or not its row")
	}

	r = apptest.PostForm(t, admin, s.Path("/admin/tokens/"+itoa(tok.ID)+"/revoke"), url.Values{"_csrf": {csrf}})
	if r.Status != 200 && r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if _, err := s.App.Tokens.Verify(context.Background(), plain); err == nil {
		t.Fatal("a revoked token still works")
	}
	if list := apptest.Get(t, admin, s.Path("/admin/tokens")); list.Status != 200 || strings.Contains(list.Body, `/admin/tokens/`+itoa(tok.ID)+`/revoke"`) {
		t.Errorf("the revoked token still offers revocation: %d", list.Status)
	}
	var n int64
	if err := s.App.DB.Table("audit_log").Where("action IN ('token.create', 'token.revoke') AND object_id = ? AND actor_person_id IS NOT NULL",
		tok.ID).Count(&n).Error; err != nil || n != 2 {
		t.Errorf("audit lines under the admin: %d (%v)", n, err)
	}
	if r := apptest.PostForm(t, admin, s.Path("/admin/tokens/999999/revoke"), url.Values{"_csrf": {csrf}}); r.Status != http.StatusNotFound {
		t.Errorf("revoking no token: %d", r.Status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
