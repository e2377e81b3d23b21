package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
)

// Starting a sign-in writes a session row, so an address may start only so many in a period: over the
// limit, 429 with Retry-After and a message, and no row is written.
func TestSignInsStartedPerAddressAreLimited(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_LOGIN_IP": "2/1h"})
	for i := range 2 {
		if r := apptest.Get(t, apptest.Browser(t), s.Path("/auth/login?next=/appeals")); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in %d: %d", i+1, r.Status)
		}
	}
	var before int64
	if err := s.App.DB.Table("sessions").Count(&before).Error; err != nil {
		t.Fatal(err)
	}
	r := apptest.Get(t, apptest.Browser(t), s.Path("/auth/login?next=/appeals"))
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Забагато спроб") {
		t.Fatalf("the third sign-in from one address: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	var after int64
	if err := s.App.DB.Table("sessions").Count(&after).Error; err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("a refused sign-in wrote a session: %d rows, then %d", before, after)
	}
}
