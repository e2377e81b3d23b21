package portal_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
)

// A PDF named "рахунок<U+202E>fdp.exe" shows as "рахунокexe.pdf" where bidi overrides are honoured. The
// name is stored, shown and sent back without the invisible characters, so it shows what it is.
func TestUploadedNameLosesInvisibleCharacters(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
	r := postAppeal(t, s, c, goodAppeal(apptest.CSRF(t, form.Body)),
		map[string][]byte{"рахунок\u202Efdp\u200B.exe\u2066": pdf})
	if r.Status != http.StatusSeeOther || appealLink.FindStringSubmatch(r.Location) == nil {
		t.Fatalf("submit: want 303 to the appeal, got %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	page := apptest.Get(t, c, s.Path(strings.TrimSuffix(r.Location, "/registered")))
	for _, bad := range []string{"\u202E", "\u200B", "\u2066", "&#8238;", "&#x202e;"} {
		if strings.Contains(strings.ToLower(page.Body), bad) {
			t.Errorf("the appeal page carries the invisible %+q", bad)
		}
	}
	if !strings.Contains(page.Body, "рахунокfdp.exe") {
		t.Fatalf("the page shows the file as %q", regexp.MustCompile(`download>([^<]*)<`).FindAllStringSubmatch(page.Body, -1))
	}
	link := regexp.MustCompile(`href="(/appeals/\d+/attachments/\d+)"`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatal("no attachment link")
	}
	att := apptest.Get(t, c, s.Path(link[1]))
	if cd := att.Header.Get("Content-Disposition"); att.Status != 200 ||
		cd != "attachment; filename*=UTF-8''%D1%80%D0%B0%D1%85%D1%83%D0%BD%D0%BE%D0%BAfdp.exe" {
		t.Fatalf("download: %d, Content-Disposition %q", att.Status, cd)
	}
}
