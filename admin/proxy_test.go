package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

// Behind a reverse proxy named in HROMADA_TRUSTED_PROXIES, the visitor's address is the one the proxy
// puts in its header (the audit log and the per-address limits use it); from anyone else the header is
// ignored, or a visitor could pose as any address.
func TestVisitorsAddressBehindATrustedProxy(t *testing.T) {
	for _, c := range []struct {
		name    string
		env     map[string]string
		header  string
		wantIPs []string // the audit line's address for each department created
	}{
		{"no proxy trusted: the header is forged", nil, "203.0.113.7", []string{"127.0.0.1"}},
		{"the proxy is trusted", map[string]string{"HROMADA_TRUSTED_PROXIES": "127.0.0.0/8"}, "203.0.113.7", []string{"203.0.113.7"}},
		{"another header than the configured one", map[string]string{"HROMADA_TRUSTED_PROXIES": "127.0.0.1",
			"HROMADA_PROXY_HEADER": "CF-Connecting-IP"}, "203.0.113.7", []string{"127.0.0.1"}},
		{"a trusted proxy's header without an address", map[string]string{"HROMADA_TRUSTED_PROXIES": "127.0.0.1"}, "nonsense", []string{"127.0.0.1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := apptest.Start(t, c.env)
			admin := apptest.Browser(t)
			s.SignIn(t, admin, "dev-staff-admin")
			if _, err := s.App.People.GrantRole(t.Context(), "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin, "test"); err != nil {
				t.Fatal(err)
			}
			csrf := apptest.CSRF(t, apptest.Get(t, admin, s.Path("/admin/departments")).Body)
			v := url.Values{"_csrf": {csrf}, "name_uk": {"Відділ благоустрою"}}
			req, err := http.NewRequest(http.MethodPost, s.Path("/admin/departments"), strings.NewReader(v.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Real-IP", c.header)
			if r := apptest.Do(t, admin, req); r.Status != http.StatusSeeOther {
				t.Fatalf("create a department: %d", r.Status)
			}
			var ips []string
			if err := s.App.DB.Raw("SELECT ip FROM audit_log WHERE action = 'department.create'").Scan(&ips).Error; err != nil {
				t.Fatal(err)
			}
			if strings.Join(ips, ",") != strings.Join(c.wantIPs, ",") {
				t.Errorf("the audit log names %v, want %v", ips, c.wantIPs)
			}
		})
	}
}
