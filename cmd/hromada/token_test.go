package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/dbtest"
)

// `hromada token create` prints the token once; `list` shows it by its first characters only; `revoke`
// ends it; wrong input is refused with a message that names the option.
func TestTokenCommands(t *testing.T) {
	t.Setenv("HROMADA_DATA_DIR", t.TempDir())
	t.Setenv("HROMADA_DATABASE_URL", dbtest.URL(t))
	if err := run([]string{"migrate"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run([]string{"token", "create", "1545 — інтеграція", "--source", "1545", "--scopes", "appeals:write,appeals:read",
		"--expires", "2099-12-31"}, &out)
	plain := regexp.MustCompile(`hrm_[A-Za-z0-9_-]{40,}`).FindString(out.String())
	if err != nil || plain == "" || !strings.Contains(out.String(), "only time") {
		t.Fatalf("create: %v %q", err, out.String())
	}
	out.Reset()
	if err := run([]string{"token", "list"}, &out); err != nil || strings.Contains(out.String(), plain) ||
		!strings.Contains(out.String(), plain[:10]) || !strings.Contains(out.String(), "appeals:read,appeals:write") ||
		!strings.Contains(out.String(), "valid") {
		t.Fatalf("list: %v %q", err, out.String())
	}
	out.Reset()
	if err := run([]string{"token", "revoke", "1"}, &out); err != nil || !strings.Contains(out.String(), "revoked") {
		t.Fatalf("revoke: %v %q", err, out.String())
	}
	out.Reset()
	if err := run([]string{"token", "list"}, &out); err != nil || !strings.Contains(out.String(), "revoked 20") {
		t.Fatalf("list after revoking: %v %q", err, out.String())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"token"}, "usage"},
		{[]string{"token", "create", "x", "--source", "nowhere", "--scopes", "appeals:read"}, "no active source"},
		{[]string{"token", "create", "x", "--source", "1545", "--scopes", "admin"}, "--scopes"},
		{[]string{"token", "create", "x", "--source", "1545", "--scopes", "appeals:read", "--expires", "2020-01-01"}, "--expires"},
		{[]string{"token", "create", "x", "--source", "1545", "--scopes", "appeals:read", "--expires", "31.12.2027"}, "--expires"},
		{[]string{"token", "create", "--source", "1545"}, "usage"},
		{[]string{"token", "create", "a\x00b", "--source", "1545", "--scopes", "appeals:read"}, "the name"},
		{[]string{"token", "revoke", "77"}, "no token 77"},
		{[]string{"token", "revoke", "x"}, "usage"},
	} {
		if err := run(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.args, err, c.want)
		}
	}
}
