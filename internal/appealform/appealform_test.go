package appealform

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/registry"
)

// A problem names a field as the templates show it: a plain field or a question's part.
var shownField = regexp.MustCompile(`^([a-z_]+|questions\.\d+\.(subject|text))$`)

// FuzzRead: whatever a form posts, the appeal read from it holds clean text only (valid UTF-8, no NUL),
// at most the questions the registry allows, and every problem names a field the page shows.
func FuzzRead(f *testing.F) {
	for _, q := range []string{
		"last_name=%D0%9A%D0%BE%D0%B2%D0%B0%D0%BB%D0%B5%D0%BD%D0%BA%D0%BE&questions=2&q0_subject=09&q1_text=%00",
		"summary=a%0D%0Ab%00&consent=yes&questions=99999999999999999999",
		"questions=-1&q0_text=%FF%FE&type=complaint",
		"address=inv%E2%80%AEfdp&email=a%40b&phone=%1B%5B31m",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		values, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		r := form.New(values)
		a := Read(r)
		if len(a.Questions) < 1 || len(a.Questions) > registry.MaxQuestions {
			t.Fatalf("%d questions", len(a.Questions))
		}
		texts := []string{a.LastName, a.FirstName, a.Patronymic, a.Address, a.Email, a.Phone, a.Gender,
			a.SocialStatus, a.Category, a.Type, a.Summary}
		for _, q := range a.Questions {
			texts = append(texts, q.SubjectCode, q.Text)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("unclean %q", s)
			}
		}
		for field := range r.Problems() {
			if !shownField.MatchString(field) {
				t.Fatalf("a problem of %q, a field the page does not show", field)
			}
		}
	})
}
