package portal_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/i18n"
)

// Every message id written in the code or the templates has a text in every language, so no page ever
// shows a raw id. Ids built at run time (status.*, event.*, appeal.field.*) are checked by the HTTP tests.
func TestEveryMessageIDIsTranslated(t *testing.T) {
	tr, err := i18n.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`"((?:site|nav|footer|home|form|error|auth|appeal|appeals|status|event|notices|notice|admin|role|staff|petition|petitions|pstate|pevent|department|report|import|audit|result|reply|routing|settlement)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
	auditLine := regexp.MustCompile(`audit\.Record\(|\.change\(ctx,|Action[A-Za-z]* += "`)
	seen := map[string]string{}
	for _, root := range []string{".", "../internal", "../admin"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") ||
				!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")) ||
				strings.Contains(path, "devidp") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, line := range strings.Split(string(b), "\n") {
				// Audit action codes (appeal.assign, staff.grant) look like message ids but are codes
				// kept in the log; they are written where the log line is.
				if auditLine.MatchString(line) {
					continue
				}
				for _, m := range id.FindAllStringSubmatch(line, -1) {
					seen[m[1]] = path
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) < 50 {
		t.Fatalf("found only %d message ids: the scan is broken", len(seen))
	}
	for msg, where := range seen {
		for _, lang := range i18n.Languages {
			if tr.For(lang).T(msg) == msg {
				t.Errorf("%s (used in %s) has no %s text", msg, where, lang)
			}
		}
	}
}
