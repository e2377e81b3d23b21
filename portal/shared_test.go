package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

// publishedPetition is a petition Олена created and a moderator published, with its id.
func publishedPetition(t *testing.T, s *apptest.Server, title string) string {
	t.Helper()
	author := signedIn(t, s, olena)
	mod := staffWith(t, s, head, identity.RoleModerator)
	id, _ := createPetition(t, s, author, title, longText, "09")
	publish(t, s, mod, id)
	return id
}

// Anonymous readers share one rendering of a petition's page per language: the same bytes and tags for
// two strangers, with no cookie, no CSRF token, no name and no message of anyone's in it; a new
// signature shows within the count's window; signed-in readers and readers with a message of their own
// get their own page, never public.
func TestSharedPetitionPage(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "100"})
	id := publishedPetition(t, s, "Лавки й смітники в сквері біля школи")
	path := s.Path("/petitions/" + id)
	first := getWith(t, apptest.Browser(t), path, "Accept-Encoding", "br")
	second := getWith(t, apptest.Browser(t), path, "Accept-Encoding", "br")
	for i, r := range []apptest.Response{first, second} {
		body := decoded(t, r)
		if r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "br" || len(r.Header.Values("Set-Cookie")) > 0 ||
			!strings.HasPrefix(r.Header.Get("Cache-Control"), "public") || r.Header.Get("Last-Modified") == "" {
			t.Fatalf("reader %d: %d, Content-Encoding %q, cookies %v, Cache-Control %q, Last-Modified %q", i, r.Status,
				r.Header.Get("Content-Encoding"), r.Header.Values("Set-Cookie"), r.Header.Get("Cache-Control"), r.Header.Get("Last-Modified"))
		}
		if strings.Contains(body, "_csrf") || !strings.Contains(body, "Зібрано 1 підпис з 100 необхідних") {
			t.Errorf("reader %d: a CSRF token or no count in the shared page:\n%.2000s", i, body)
		}
	}
	if first.Body != second.Body || first.Header.Get("ETag") != second.Header.Get("ETag") ||
		first.Header.Get("Last-Modified") != second.Header.Get("Last-Modified") {
		t.Errorf("two strangers got different renderings: %q %q", first.Header.Get("ETag"), second.Header.Get("ETag"))
	}

	// In English: another rendering, in English.
	en := apptest.Browser(t)
	apptest.Get(t, en, s.Path("/lang/en"))
	for range 2 {
		r := apptest.Get(t, en, path)
		if !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, "Signatures") {
			t.Fatalf("the English reader got:\n%.1500s", r.Body)
		}
	}
	if r := apptest.Get(t, apptest.Browser(t), path); !strings.Contains(r.Body, `<html lang="uk">`) {
		t.Fatal("a Ukrainian reader got the English rendering")
	}

	// A signed-in reader's page is their own: their name and the signing form's token, never public.
	andriiB := signedIn(t, s, andrii)
	mine := apptest.Get(t, andriiB, path)
	if !strings.Contains(mine.Body, `name="_csrf"`) || !strings.Contains(mine.Body, "Коваленко Андрій") ||
		strings.Contains(mine.Header.Get("Cache-Control"), "public") || mine.Header.Get("ETag") != "" {
		t.Fatalf("the signed-in page: Cache-Control %q, ETag %q\n%.2000s", mine.Header.Get("Cache-Control"), mine.Header.Get("ETag"), mine.Body)
	}
	// A reader who brings a message gets it on a page of their own; the next stranger does not.
	flashed := getWith(t, apptest.Browser(t), path, "Cookie", "hromada_flash=petition.signed")
	if !strings.Contains(flashed.Body, "Дякуємо! Ваш підпис зараховано.") || strings.Contains(flashed.Header.Get("Cache-Control"), "public") {
		t.Fatalf("the reader with a message: Cache-Control %q\n%.2000s", flashed.Header.Get("Cache-Control"), flashed.Body)
	}
	if r := apptest.Get(t, apptest.Browser(t), path); strings.Contains(r.Body, "Дякуємо!") ||
		strings.Contains(r.Body, "Коваленко Андрій") || strings.Contains(r.Body, "_csrf") {
		t.Fatalf("a stranger got someone's message, name or token:\n%.2000s", r.Body)
	}

	// A new signature shows to strangers within the count's window (two seconds).
	signAndSee(t, s, andriiB, id, "Дякуємо")
	start := time.Now()
	waitForPage(t, s, apptest.Browser(t), "/petitions/"+id, 5*time.Second, "Зібрано 2 підписи з 100 необхідних", "Коваленко Андрій")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the new signature took %v to show", took)
	}
}

// Every anonymous public answer carries ETag and Last-Modified, and answers 304 to either validator;
// a download keeps its name when it comes from the shared rendering.
func TestSharedAnswersValidate(t *testing.T) {
	s := apptest.Start(t, nil)
	id := publishedPetition(t, s, "Зупинка громадського транспорту біля лікарні")
	anon := apptest.Browser(t)
	for _, path := range []string{"/", "/petitions", "/petitions/" + id, "/api/v1/petitions", "/api/v1/petitions/" + id,
		"/petitions.csv", "/petitions?q=" + "лікарні"} {
		for range 2 { // made, then shared
			r := apptest.Get(t, anon, s.Path(path))
			lm, tag := r.Header.Get("Last-Modified"), r.Header.Get("ETag")
			if r.Status != http.StatusOK || lm == "" || tag == "" {
				t.Fatalf("%s: %d, Last-Modified %q, ETag %q", path, r.Status, lm, tag)
			}
			if path == "/petitions.csv" && !strings.Contains(r.Header.Get("Content-Disposition"), "petitions.csv") {
				t.Errorf("the CSV lost its name: %q", r.Header.Get("Content-Disposition"))
			}
			if again := getWith(t, anon, s.Path(path), "If-Modified-Since", lm); again.Status != http.StatusNotModified || again.Body != "" {
				t.Errorf("%s with If-Modified-Since %s: %d", path, lm, again.Status)
			}
			if again := getWith(t, anon, s.Path(path), "If-None-Match", tag); again.Status != http.StatusNotModified {
				t.Errorf("%s with If-None-Match: %d", path, again.Status)
			}
			// If-None-Match decides when both are sent: another tag is a full answer.
			if again := getWith(t, anon, s.Path(path), "If-None-Match", `"other"`, "If-Modified-Since", lm); again.Status != http.StatusOK {
				t.Errorf("%s with another tag: %d", path, again.Status)
			}
			old := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
			if again := getWith(t, anon, s.Path(path), "If-Modified-Since", old); again.Status != http.StatusOK {
				t.Errorf("%s modified since an hour ago: %d", path, again.Status)
			}
		}
	}
}

// The petition's signatories page by keyset: the next page's link names the last signatory shown, the
// numbering goes on, and the previous page's link leads back to the first.
func TestSignatoriesPagesByKeyset(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "1000"})
	id := publishedPetition(t, s, "Дитячий майданчик у мікрорайоні Південному")
	var personID int64
	if err := s.App.DB.Raw("SELECT author_person_id FROM petitions WHERE id = ?", id).Scan(&personID).Error; err != nil {
		t.Fatal(err)
	}
	for i := range 70 {
		if err := s.App.DB.Exec(`INSERT INTO petition_signatures (petition_id, person_id, signer_key, signer_name, signed_at)
			VALUES (?, ?, ?, ?, ?)`, id, personID, fmt.Sprintf("key-%03d", i), fmt.Sprintf("Підписант %03d", i), time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
	}
	anon := apptest.Browser(t)
	page := waitForPage(t, s, anon, "/petitions/"+id, 5*time.Second, "Зібрано 71 підпис")
	next := hrefOf(t, page.Body, `rel="next"`)
	if !strings.Contains(next, "after=") || !strings.Contains(next, "page=2") {
		t.Fatalf("the next page's link: %q", next)
	}
	two := apptest.Get(t, anon, s.Path(strings.ReplaceAll(next, "&amp;", "&")))
	mustContain(t, "the second page", two.Body, `<ol start="51" lang="uk">`, "<li>Підписант 049</li>", "<li>Підписант 069</li>")
	if strings.Contains(two.Body, "<li>Підписант 048</li>") || strings.Contains(two.Body, `rel="next"`) {
		t.Errorf("the second page repeats the first or goes on:\n%.3000s", two.Body)
	}
	if prev := hrefOf(t, two.Body, `rel="prev"`); prev != "/petitions/"+id+"#signers-h" {
		t.Errorf("the previous page's link: %q", prev)
	}
	// A page number without a signatory to start from is the first page.
	if r := apptest.Get(t, anon, s.Path("/petitions/"+id+"?page=7")); !strings.Contains(r.Body, `<ol start="1" lang="uk">`) {
		t.Errorf("?page=7 alone:\n%.3000s", r.Body)
	}
}

// hrefOf is the address of the link with the attribute.
func hrefOf(t *testing.T, body, attr string) string {
	t.Helper()
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("no link %s in:\n%.3000s", attr, body)
	}
	start := strings.LastIndex(body[:i], `href="`)
	end := strings.Index(body[start+6:], `"`)
	return body[start+6 : start+6+end]
}
