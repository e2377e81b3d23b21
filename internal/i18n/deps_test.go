package i18n

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The languages live below the web layer so that the command line and the exports read their texts
// without it: cmd/hromada imports no internal/web itself, and neither this package nor internal/report
// depends on Fiber or internal/web at all.
func TestTextsNeedNoWebLayer(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the packages with")
	}
	list := func(args ...string) []string {
		t.Helper()
		out, err := exec.Command(gobin, append([]string{"list"}, args...)...).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
		}
		return strings.Fields(string(out))
	}
	const mod = "github.com/hromada/hromada/"
	if slices.Contains(list("-f", `{{join .Imports " "}}`, mod+"cmd/hromada"), mod+"internal/web") {
		t.Error("cmd/hromada imports internal/web")
	}
	for _, pkg := range []string{mod + "internal/i18n", mod + "internal/report"} {
		deps := list("-deps", pkg)
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s found only %v: the listing is broken", pkg, deps)
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "github.com/gofiber/") || d == mod+"internal/web" {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
